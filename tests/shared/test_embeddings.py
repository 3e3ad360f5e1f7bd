"""The packaged embedding model: loads with no network, embeds sensibly, and a collection
refuses vectors of another model."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import uuid

import numpy as np
import pytest

from shared.embeddings import ONNX_INT8_MODEL, TORCH_MODEL, get_embedder
from shared.settings import Settings
from shared.vectorstore import EmbeddingModelMismatchError, get_chroma_client, model_collection

NO_NETWORK_LOAD = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network access attempted during model load")
socket.socket.connect = refuse
socket.create_connection = refuse
from shared.embeddings import get_embedder
from shared.settings import Settings
embedder = get_embedder(Settings(embedding_model=sys.argv[1]))
vector = embedder.embed_query("Total net sales")
assert len(vector) == 384, len(vector)
print(embedder.name)
"""


INSTALLED_MODELS = [ONNX_INT8_MODEL] + ([TORCH_MODEL] if importlib.util.find_spec("torch") else [])
# PyTorch and what comes with it made unimportable, as on a default install.
WITHOUT_TORCH = (
    "import sys\nfor name in ('torch', 'sentence_transformers', 'transformers'):\n    sys.modules[name] = None\n"
)


@pytest.mark.parametrize("model", INSTALLED_MODELS)
def test_model_loads_from_site_packages_with_network_refused(model: str) -> None:
    result = subprocess.run([sys.executable, "-c", NO_NETWORK_LOAD, model], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith(model)


FUSED_WITHOUT_NETWORK = """
import tempfile
from pathlib import Path
from shared.embeddings import OnnxMiniLMEmbedder
print("fused" if OnnxMiniLMEmbedder(2, fused_cache_dir=Path(tempfile.mkdtemp())).attention_fused else "plain")
"""


def test_the_default_model_needs_no_pytorch() -> None:
    probe = WITHOUT_TORCH + NO_NETWORK_LOAD
    result = subprocess.run([sys.executable, "-c", probe, ONNX_INT8_MODEL], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith(ONNX_INT8_MODEL)
    # The attention rewrite (onnx and onnxruntime's optimizer) needs neither PyTorch nor a network.
    probe = WITHOUT_TORCH + NO_NETWORK_LOAD.split("from shared.embeddings")[0] + FUSED_WITHOUT_NETWORK
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert result.stdout.strip() == "fused", result.stderr[-2000:]


def test_the_pytorch_model_without_its_extra_says_which_extra_to_install() -> None:
    probe = WITHOUT_TORCH + NO_NETWORK_LOAD
    result = subprocess.run([sys.executable, "-c", probe, TORCH_MODEL], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "minilm-torch needs the torch extra: pip install -e '.[torch]'" in result.stderr


def test_default_model_ranks_paraphrases_above_unrelated_text() -> None:
    embedder = get_embedder(Settings())
    assert embedder.name == ONNX_INT8_MODEL
    query = np.array(embedder.embed_query("How much cash was paid in dividends?"))
    docs = np.array(
        embedder.embed_documents(
            [
                "Payments for dividends and dividend equivalents were $14,119 million.",
                "The company leases office space in Cupertino, California.",
                "",
            ]
        )
    )
    similarity = docs @ query
    assert similarity[0] > similarity[1] + 0.2
    assert np.allclose(np.linalg.norm(docs[:2], axis=1), 1.0, atol=1e-4)


def test_batch_order_is_preserved() -> None:
    embedder = get_embedder(Settings())
    texts = ["short", "a much longer sentence about revenue growth in fiscal 2019 and beyond", "mid length text"]
    batch = embedder.embed_documents(texts)
    singles = [embedder.embed_query(t) for t in texts]
    for got, want in zip(batch, singles, strict=True):
        assert np.dot(got, want) > 0.999


class _OtherModel:
    name = "some-other-model"
    dimension = 384

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[0.0] * 384 for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [0.0] * 384


def test_collection_refuses_another_models_vectors() -> None:
    settings = Settings()
    client = get_chroma_client(settings)
    name = f"test_{uuid.uuid4().hex[:8]}"
    collection = model_collection(client, name, get_embedder(settings))
    assert collection.metadata["embedding_model"] == ONNX_INT8_MODEL
    with pytest.raises(EmbeddingModelMismatchError, match="re-index"):
        model_collection(client, name, _OtherModel())
    client.delete_collection(name)


def test_the_multilingual_model_matches_a_question_to_its_answer_across_languages() -> None:
    from shared.embeddings import MULTILINGUAL_MODEL

    embedder = get_embedder(Settings(embedding_model=MULTILINGUAL_MODEL))
    passages = [
        "El límite de hotel es de 150 euros por noche en ciudades nacionales y 220 euros en el extranjero.",
        "Las partes se someten a los juzgados y tribunales de Valencia.",
        "Net sales increased 2% compared with the previous year, driven by Services.",
    ]
    vectors = np.array(embedder.embed_documents(passages))
    assert vectors.shape == (3, embedder.dimension)
    for question, expected in [
        ("What is the hotel limit per night abroad?", 0),  # English question, Spanish passage
        ("¿Qué tribunales tienen jurisdicción?", 1),
        ("¿Cuánto crecieron las ventas netas?", 2),  # Spanish question, English passage
    ]:
        scores = vectors @ np.array(embedder.embed_query(question))
        assert int(np.argmax(scores)) == expected, (question, scores)


def test_an_external_embedding_server_apart_from_the_llm() -> None:
    from tests.fakes.openai_server import running_fake_openai

    with running_fake_openai() as embeddings, running_fake_openai() as llm:
        settings = Settings(
            embedding_model="openai:bge-m3",
            embedding_base_url=f"{embeddings.url}/v1",
            embedding_api_key="tei-key",
            openai_base_url=f"{llm.url}/v1",
            openai_api_key="llm-key",
        )
        embedder = get_embedder(settings)
        vectors = embedder.embed_documents(["first passage", "second passage"])
        assert len(vectors) == 2
        assert len(vectors[0]) == embedder.dimension == 64
        assert embedder.name == "openai:bge-m3"
        sent = [r for r in embeddings.requests if r["path"].endswith("/embeddings")]
        assert sent[-1]["body"]["model"] == "bge-m3"
        assert sent[-1]["auth"] == "Bearer tei-key"
        assert llm.requests == []  # the chat model's server saw nothing
        # Its vectors are its own: a collection made with it refuses the packaged model.
        client = get_chroma_client(Settings())
        name = f"test_{uuid.uuid4().hex[:8]}"
        assert model_collection(client, name, embedder).metadata["embedding_model"] == "openai:bge-m3"
        with pytest.raises(EmbeddingModelMismatchError):
            model_collection(client, name, get_embedder(Settings()))
        client.delete_collection(name)


def test_passages_are_read_up_to_the_configured_word_pieces() -> None:
    """EMBEDDING_MAX_TOKENS: what lies past the limit does not move a passage's vector; queries
    are read whole."""
    opening = "Revenue grew in every segment during the fiscal year, led by services and wearables sales "
    one, two = opening + "in Europe and Japan.", opening + "despite a weaker dollar and supply constraints."
    short = get_embedder(Settings(embedding_max_tokens=16))
    whole = get_embedder(Settings())
    assert np.allclose(*short.embed_documents([one, two]), atol=1e-6)
    assert not np.allclose(*whole.embed_documents([one, two]), atol=1e-3)
    assert np.allclose(short.embed_query(one), whole.embed_query(one), atol=1e-6)
