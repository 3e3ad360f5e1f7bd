"""Spreadsheets, CSV files and document tables answered as data: a cell, a filter, a sum, a maximum."""
