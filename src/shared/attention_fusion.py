"""The packaged MiniLM's attention as one ONNX Runtime kernel, and its other layers fused.

The int8 ONNX file was exported from PyTorch's scaled dot-product attention: in each layer the
scores are masked with a `Where`, soft-maxed, then passed through `IsNaN` and another `Where`
(for rows a mask empties, which padding never does). Those passes over batch × heads × tokens²
took about a fifth of the model's time on this project's machine. ONNX Runtime's own
`MultiHeadAttention` kernel (com.microsoft) computes the same attention with the padding mask
in one step; onnxruntime's BERT optimizer then fuses each bias with its GELU and each residual
with its LayerNorm. The result is the same model: `verified_fusion` refuses a graph whose
vectors differ from the plain graph's on a padded probe batch.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import structlog

log = structlog.get_logger(__name__)

MASK_INT32 = "attention_mask_int32"
# Both graphs' vectors of the same text agree to float rounding (about 1e-7 measured).
SAME_VECTOR_COSINE = 0.99999
_SHAPE_ONLY = frozenset({"Reshape", "Transpose"})


class FusionNotApplicableError(ValueError):
    """The graph does not hold the exported attention pattern this rewrite knows."""


def fused_model_bytes(model_path: Path, heads: int, hidden: int) -> bytes:
    """The model at `model_path` with attention in one kernel per layer (serialised ONNX)."""
    import onnx
    from onnxruntime.transformers.optimizer import optimize_model

    model = onnx.load(str(model_path))
    _attention_as_one_kernel(model, heads)
    # opt_level 0: only the optimizer's Python fusions (bias + GELU, residual + LayerNorm);
    # the session applies ONNX Runtime's own optimisations when it loads the result.
    logging.getLogger("onnxruntime.transformers").setLevel(logging.ERROR)
    optimized = optimize_model(model, model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=0)
    return bytes(optimized.model.SerializeToString())


def _attention_as_one_kernel(model: Any, heads: int) -> None:
    from onnx import TensorProto, helper

    graph = model.graph
    producer = {output: node for node in graph.node for output in node.output}
    consumers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    softmaxes = [node for node in graph.node if node.op_type == "Softmax"]
    if not softmaxes:
        raise FusionNotApplicableError("no attention softmax in the graph")
    replaced: list[Any] = []
    attention: list[Any] = []
    for layer, softmax in enumerate(softmaxes):
        removed, query, key, value, output = _attention_of(softmax, producer, consumers)
        replaced += removed
        attention.append(
            helper.make_node(
                "MultiHeadAttention",
                [query, key, value, "", MASK_INT32],
                [output],
                domain="com.microsoft",
                num_heads=heads,
                name=f"attention_{layer}",
            )
        )
    mask = helper.make_node("Cast", ["attention_mask"], [MASK_INT32], to=TensorProto.INT32, name="mask_as_int32")
    gone = {id(node) for node in replaced}
    kept = [node for node in graph.node if id(node) not in gone]
    known = {i.name for i in graph.input} | {i.name for i in graph.initializer}
    ordered = _topological([mask, *kept, *attention], known)
    del graph.node[:]
    graph.node.extend(ordered)
    if not any(opset.domain == "com.microsoft" for opset in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))


def _attention_of(
    softmax: Any, producer: dict[str, Any], consumers: dict[str, list[Any]]
) -> tuple[list[Any], str, str, str, str]:
    """Nodes from the scores to the heads merged back, and the attention's inputs and output:
    the query, key and value projections (batch × tokens × hidden) and the merged output."""
    try:
        scores = producer[softmax.input[0]]  # Add(QK, mask)
        product = producer[scores.input[0]]  # MatMul(Q·scale, Kᵀ·scale)
        scaled_query, scaled_key = producer[product.input[0]], producer[product.input[1]]
        after = consumers[softmax.output[0]]
        zeroed = next(node for node in after if node.op_type == "Where")
        weighted = consumers[zeroed.output[0]][0]  # MatMul(probabilities, V)
        merged = consumers[weighted.output[0]][0]  # Transpose back to tokens × heads
        flattened = consumers[merged.output[0]][0]  # Reshape to tokens × hidden
    except (KeyError, IndexError, StopIteration) as exc:
        raise FusionNotApplicableError(f"unexpected nodes around {softmax.name}") from exc
    expected = [
        (scores, "Add"),
        (product, "MatMul"),
        (scaled_query, "Mul"),
        (scaled_key, "Mul"),
        (weighted, "MatMul"),
        (merged, "Transpose"),
        (flattened, "Reshape"),
    ]
    if any(node.op_type != op for node, op in expected):
        raise FusionNotApplicableError(f"unexpected nodes around {softmax.name}")
    query = _projection(scaled_query.input[0], producer)
    key = _projection(scaled_key.input[0], producer)
    value = _projection(weighted.input[1], producer)
    removed = [softmax, *after, scores, product, scaled_query, scaled_key, weighted, merged, flattened]
    return removed, query, key, value, flattened.output[0]


def _projection(name: str, producer: dict[str, Any]) -> str:
    """The tensor before the reshapes and transposes that split it into heads."""
    while name in producer and producer[name].op_type in _SHAPE_ONLY:
        name = producer[name].input[0]
    if name not in producer or producer[name].op_type != "Add":
        raise FusionNotApplicableError(f"{name} is not a biased projection")
    return name


def _topological(nodes: list[Any], available: Iterable[str]) -> list[Any]:
    """ONNX Runtime needs each node after the nodes whose outputs it reads."""
    ready = set(available) | {""}
    pending = list(nodes)
    ordered: list[Any] = []
    while pending:
        still: list[Any] = []
        for node in pending:
            if all(name in ready for name in node.input):
                ordered.append(node)
                ready.update(node.output)
            else:
                still.append(node)
        if len(still) == len(pending):
            raise FusionNotApplicableError("the rewritten graph has a node whose input nothing produces")
        pending = still
    return ordered


def verified_fusion(
    model_path: Path,
    heads: int,
    hidden: int,
    embed_plain: Callable[[], np.ndarray],
    embed_fused: Callable[[bytes], np.ndarray],
    cache_dir: Path | None,
) -> bytes | None:
    """The fused graph when it gives the plain graph's vectors, else None (the caller keeps
    the plain graph). Kept under `cache_dir`, keyed by the source file and onnxruntime's version,
    so that a process starting later loads it instead of fusing again (about 3 s)."""
    cached = _cache_file(model_path, cache_dir)
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    try:
        fused = fused_model_bytes(model_path, heads, hidden)
        plain, rewritten = embed_plain(), embed_fused(fused)
    except Exception:  # an unknown graph or runtime: the plain graph still answers
        log.warning("embedding.fusion_skipped", model=str(model_path), exc_info=True)
        return None
    agreement = float((plain * rewritten).sum(axis=1).min())
    if agreement < SAME_VECTOR_COSINE:
        log.warning("embedding.fusion_refused", model=str(model_path), lowest_cosine=agreement)
        return None
    if cached is not None:
        _write_atomically(cached, fused)
    return fused


def _cache_file(model_path: Path, cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    import onnxruntime

    digest = hashlib.sha256(model_path.read_bytes()).hexdigest()[:16]
    return cache_dir / f"{model_path.stem}-{digest}-attention-fused-ort{onnxruntime.__version__}.onnx"


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Two processes starting together each write their own part; the last rename wins, whole.
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:  # a read-only data directory: fused again by the next process
        log.warning("embedding.fusion_not_kept", path=str(path), exc_info=True)
