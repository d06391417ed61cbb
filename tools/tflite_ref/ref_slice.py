"""Reference kernels of the slicing family (the engine's ops/slice.cc): STRIDED_SLICE, SLICE, DYNAMIC_UPDATE_SLICE,
REVERSE_V2, GATHER, GATHER_ND and EMBEDDING_LOOKUP, from TensorFlow Lite Micro's strided_slice*.cc, slice.cc,
dynamic_update_slice.cc, reverse.cc, gather.cc, gather_nd.cc, embedding_lookup.cc and reference/strided_slice.h,
strided_slice_logic.h, slice.h, reverse.h.

All of them move values without arithmetic (except the hybrid EMBEDDING_LOOKUP: int8 table * scale in float32),
so they are written with numpy indexing.
- STRIDED_SLICE as TFLite Micro runs it: begin_mask / end_mask / shrink_axis_mask apply; ellipsis_mask,
  new_axis_mask and offset are ignored. Per axis: a negative index counts from the end, then it is clamped to
  [0, n] for a positive stride and to [-1, n-1] for a negative one; a mask bit replaces it by the first (last)
  element in the stride's direction. A shrunk axis takes the one element at begin.
- SLICE: size -1 means "to the end".
- DYNAMIC_UPDATE_SLICE: each start index is clamped into [0, operand - update].
- REVERSE_V2: axes (negative from the end) must be contiguous.
- GATHER: axis and batch_dims (both may be negative); GATHER_ND: index tuples over the leading params dims
  (TFLite Micro only checks that the addressed slice lies inside params as a whole).
- EMBEDDING_LOOKUP: rows of the value table; an int8 table read into float32 is value * scale (zero point 0).
"""
import numpy as np

FLOAT32 = 0


def register(ref):
    def err(op, text):
        return ref.ModelError("op %d %s: %s" % (op.index, op.name, text))

    def opt_int(op, field, default=0):
        return op.opt.scalar(field, "i", default) if op.opt else default

    def strided_slice(model, op, values):
        x, begin, end, strides = ref._inputs(model, op, values)[:4]
        to = model.tensors[op.outputs[0]]
        begin_mask, end_mask, shrink_mask = opt_int(op, 0), opt_int(op, 1), opt_int(op, 4)
        index = []
        for axis, n in enumerate(x.shape):
            stride = int(strides[axis])
            if stride == 0:
                raise err(op, "stride 0")
            lo, hi = (0, n) if stride > 0 else (-1, n - 1)

            def place(v):
                v = int(v)
                v = v + n if v < 0 else v
                return min(max(v, lo), hi)

            start = place(begin[axis])
            if begin_mask >> axis & 1:
                start = 0 if stride > 0 else n - 1
            if shrink_mask >> axis & 1:
                if stride < 0 or start >= n:
                    raise err(op, "shrunk axis %d has no element" % axis)
                index.append(start)
                continue
            stop = place(end[axis])
            if end_mask >> axis & 1:
                stop = n if stride > 0 else -1
            # python slices read a negative stop from the end: -1 ("before element 0") is None here
            index.append(slice(start, None if stop < 0 else stop, stride))
        out = x[tuple(index)]
        if list(out.shape) != list(to.shape):
            raise err(op, "slice %s does not match the output %s" % (list(out.shape), to.shape))
        return out

    def slice_op(model, op, values):
        x, begin, size = ref._inputs(model, op, values)[:3]
        index = []
        for axis, n in enumerate(x.shape):
            b, s = int(begin[axis]), int(size[axis])
            e = n if s == -1 else b + s
            if b < 0 or e > n or e <= b:
                raise err(op, "begin %d size %d outside dimension %d" % (b, s, n))
            index.append(slice(b, e))
        return x[tuple(index)]

    def dynamic_update_slice(model, op, values):
        operand, update, starts = ref._inputs(model, op, values)[:3]
        out = operand.copy()
        index = []
        for axis, (n, u) in enumerate(zip(operand.shape, update.shape)):
            s = min(max(int(starts[axis]), 0), n - u)
            index.append(slice(s, s + u))
        out[tuple(index)] = update
        return out

    def reverse(model, op, values):
        x, axes = ref._inputs(model, op, values)[:2]
        rank = x.ndim
        norm = sorted(int(a) + rank if a < 0 else int(a) for a in np.asarray(axes).reshape(-1))
        if not norm or any(a < 0 or a >= rank for a in norm) or norm != list(range(norm[0], norm[0] + len(norm))):
            raise err(op, "axes %s are not distinct contiguous axes" % list(np.asarray(axes).reshape(-1)))
        return np.flip(x, axis=tuple(norm))

    def gather(model, op, values):
        params, idx = ref._inputs(model, op, values)[:2]
        axis, batch_dims = opt_int(op, 0), opt_int(op, 1)
        idx = np.asarray(idx).astype(np.int64)
        axis = axis + params.ndim if axis < 0 else axis
        batch_dims = batch_dims + idx.ndim if batch_dims < 0 else batch_dims
        if np.any(idx < 0) or np.any(idx >= params.shape[axis]):
            raise err(op, "index out of range")
        if batch_dims == 0:
            return np.take(params, idx, axis=axis)
        # batch dims: gather within each batch element; the index batch dims lead the result
        bshape = params.shape[:batch_dims]
        p = params.reshape((-1,) + params.shape[batch_dims:])
        i = idx.reshape((-1,) + idx.shape[batch_dims:])
        parts = [np.take(p[b], i[b], axis=axis - batch_dims) for b in range(p.shape[0])]
        return np.stack(parts).reshape(bshape + parts[0].shape)

    def gather_nd(model, op, values):
        params, idx = ref._inputs(model, op, values)[:2]
        depth = idx.shape[-1]
        tuples = np.asarray(idx, dtype=np.int64).reshape(-1, depth)
        inner = params.shape[depth:]
        slice_size = int(np.prod(inner)) if inner else 1
        flat = params.reshape(-1)
        # the flat position of each tuple: only the whole slice must lie inside params
        steps = [int(np.prod(params.shape[j + 1:])) for j in range(depth)]
        rows = []
        for t in tuples:
            start = int(sum(int(v) * s for v, s in zip(t, steps)))
            if start < 0 or start + slice_size > flat.size:
                raise err(op, "index tuple %s out of range" % list(t))
            rows.append(flat[start:start + slice_size])
        return np.stack(rows).reshape(tuple(idx.shape[:-1]) + tuple(inner))

    def embedding_lookup(model, op, values):
        ids, table = ref._inputs(model, op, values)[:2]
        tv, to = model.tensors[op.inputs[1]], model.tensors[op.outputs[0]]
        ids = np.asarray(ids, dtype=np.int64)
        if np.any(ids < 0) or np.any(ids >= table.shape[0]):
            raise err(op, "id out of range")
        rows = table[ids]
        if to.type == FLOAT32 and tv.type != FLOAT32:
            if tv.zero_point != 0:
                raise err(op, "hybrid lookup with a zero point")
            return rows.astype(np.float32) * np.float32(tv.scale)
        return rows

    return {"STRIDED_SLICE": strided_slice, "SLICE": slice_op, "DYNAMIC_UPDATE_SLICE": dynamic_update_slice,
            "REVERSE_V2": reverse, "GATHER": gather, "GATHER_ND": gather_nd, "EMBEDDING_LOOKUP": embedding_lookup}
