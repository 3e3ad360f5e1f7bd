"""Enterprise AI Brain: a self-contained ASGI product, mounted in the chatbot or run alone."""
