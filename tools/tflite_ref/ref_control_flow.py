"""Reference kernels of control flow and resource variables: IF, WHILE, CALL_ONCE, VAR_HANDLE, READ_VARIABLE,
ASSIGN_VARIABLE. Written from the TFLite schema and TensorFlow Lite Micro's definitions of these operators:

- IF runs its then subgraph when the first byte of its bool condition is non-zero, else its else subgraph, on the
  operator's other inputs; the subgraph's outputs are the operator's.
- WHILE runs its cond subgraph on the loop variables (the operator's inputs) and, while cond's output 0 is true,
  its body subgraph, whose outputs are the next loop variables; the last ones are the operator's outputs.
- CALL_ONCE runs its init subgraph at the first Invoke only (the flag lives in the run state).
- A resource variable is named by VAR_HANDLE (container, shared_name; a handle without a container matches a
  variable of any container with that name). Ids are given in the order TFLite Micro prepares the operators
  (subgraph by subgraph, operator by operator), and the first ASSIGN_VARIABLE in that order whose handle comes
  from a VAR_HANDLE of its own subgraph fixes the variable's size and initial bytes (the zero point of the
  assigned tensor as int8 when it has quantization parameters, else 0). READ_VARIABLE returns the bytes,
  ASSIGN_VARIABLE replaces them; both need the variable's size.

The state (variables, CALL_ONCE flags) sits in values[ref.CF_KEY], so run(model, inputs, state) carries it from
one Invoke to the next; a new state is a freshly loaded model.
"""
import numpy as np


def register(ref):
    def inputs(model, op, values):
        return [None if t < 0 else (values[t] if values.get(t) is not None else model.tensors[t].data)
                for t in op.inputs]

    def options(op, n):
        return [op.opt.scalar(i, "i") if op.opt is not None else 0 for i in range(n)]

    def subgraph_index(model, op, index):
        if index < 0 or index >= len(model.root.subgraphs):
            raise ref.ModelError("op %d %s: subgraph %d is not in the model" % (op.index, op.name, index))
        return index

    def c_string(op, field):
        b = op.opt.bytes(field) if op.opt is not None else None
        return None if b is None else b.split(b"\0")[0]

    def nbytes(tensor):
        return int(np.prod(tensor.shape)) * np.dtype(ref.TYPE_NP[tensor.type]).itemsize

    def resources(model, values):
        """The variables of the model: ids of the VAR_HANDLE operators and the variables' sizes, as TFLite Micro's
        prepare pass leaves them; made at the first use and kept in the run state."""
        cf = values[ref.CF_KEY]
        if "resources" in cf:
            return cf["resources"]
        ids, table = {}, []
        for g in model.root.subgraphs:
            handle_of = {}   # tensor -> variable id, for handles a VAR_HANDLE of this subgraph writes
            for op in g.ops:
                if op.name == "VAR_HANDLE":
                    container, name = c_string(op, 0), c_string(op, 1) or b""
                    found = None
                    for i, v in enumerate(table):
                        if v["name"] == name and (container is None or container == (v["container"] or b"")):
                            found = i
                            break
                    if found is None:
                        table.append({"container": container, "name": name, "bytes": None, "data": None})
                        found = len(table) - 1
                    ids[(g.index, op.index)] = found
                    handle_of[op.outputs[0]] = found
                elif op.name == "ASSIGN_VARIABLE":
                    vid = handle_of.get(op.inputs[0])
                    if vid is not None and table[vid]["bytes"] is None:
                        vt = g.tensors[op.inputs[1]]
                        fill = int(np.int64(vt.zero_points[0]).astype(np.int8)) if vt.scales and vt.zero_points else 0
                        table[vid]["bytes"] = nbytes(vt)
                        table[vid]["fill"] = fill
                        table[vid]["data"] = bytes([fill & 0xFF]) * nbytes(vt)
        cf["resources"] = {"ids": ids, "table": table}
        return cf["resources"]

    def variable(model, op, values, handle, size):
        table = resources(model, values)["table"]
        vid = int(np.asarray(handle).reshape(-1)[0])
        if vid < 0 or vid >= len(table) or table[vid]["bytes"] is None:
            raise ref.ModelError("op %d %s: variable %d has no size (no ASSIGN_VARIABLE gives it one)"
                                 % (op.index, op.name, vid))
        if table[vid]["bytes"] != size:
            raise ref.ModelError("op %d %s: %d bytes for a variable of %d" % (op.index, op.name, size,
                                                                             table[vid]["bytes"]))
        return table[vid]

    def k_var_handle(model, op, values):
        vid = resources(model, values)["ids"][(model.index, op.index)]
        return np.full(model.tensors[op.outputs[0]].shape, vid, dtype=np.int32)

    def k_read_variable(model, op, values):
        to = model.tensors[op.outputs[0]]
        v = variable(model, op, values, inputs(model, op, values)[0], nbytes(to))
        dt = np.dtype(ref.TYPE_NP[to.type]).newbyteorder("<")
        return np.frombuffer(v["data"], dtype=dt).reshape(to.shape).astype(ref.TYPE_NP[to.type])

    def k_assign_variable(model, op, values):
        handle, value = inputs(model, op, values)
        vt = model.tensors[op.inputs[1]]
        v = variable(model, op, values, handle, nbytes(vt))
        v["data"] = ref.tensor_bytes(np.ascontiguousarray(np.asarray(value, dtype=ref.TYPE_NP[vt.type])))
        return []

    def k_call_once(model, op, values):
        (init,) = options(op, 1)
        done = values[ref.CF_KEY].setdefault("call_once", set())
        key = (model.index, op.index)
        if key not in done:
            ref.run_subgraph(model, subgraph_index(model, op, init), [], values)
            done.add(key)
        return []

    def k_if(model, op, values):
        then_sg, else_sg = options(op, 2)
        args = inputs(model, op, values)
        take = then_sg if np.asarray(args[0]).reshape(-1).view(np.uint8)[0] != 0 else else_sg
        return list(ref.run_subgraph(model, subgraph_index(model, op, take), args[1:], values))

    def k_while(model, op, values):
        cond, body = options(op, 2)
        cond, body = subgraph_index(model, op, cond), subgraph_index(model, op, body)
        loop = inputs(model, op, values)
        while np.asarray(ref.run_subgraph(model, cond, loop, values)[0]).reshape(-1).view(np.uint8)[0] != 0:
            loop = ref.run_subgraph(model, body, loop, values)
        return [np.array(v) for v in loop]

    return {"IF": k_if, "WHILE": k_while, "CALL_ONCE": k_call_once, "VAR_HANDLE": k_var_handle,
            "READ_VARIABLE": k_read_variable, "ASSIGN_VARIABLE": k_assign_variable}
