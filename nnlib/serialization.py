"""Saving and loading a trained network and its optimiser, as an ``.npz`` file of named arrays.

    nn.serialization.save("run.npz", net, opt)       # after some training
    net2 = nn.mlp([2, 4, 1], rng=np.random.default_rng(0))   # the same architecture
    opt2 = nn.Adam(net2.parameters(), lr=0.01)
    nn.serialization.load("run.npz", net2, opt2)      # now net2, opt2 continue exactly where net, opt stopped

The file holds plain arrays only (no pickle, so loading runs no code): every parameter as
``parameter/<index>/<layer name>.<parameter name>``, the running statistics of layers
that keep some (BatchNorm) as ``buffer/<path>/<layer name>.<name>``, the state of each Dropout
layer's random generator as ``rng/<path>/<layer name>`` (the bit generator's state dict as a
JSON string, in a 0-d string array), and the optimiser's step count, hyperparameters and state
vectors as ``optimizer/<name>``. <path> is the layer's index in ``net.layers``, "3.1" for the
second layer inside a Residual block at index 3. With the generators saved, training with
dropout resumes bit for bit. Loading checks that the architecture, the generators' types and the
optimiser match. Copying with ``copy.deepcopy((net, opt))`` or pickling ``(net, opt)`` works too.
"""

import json

import numpy as np

from ._validation import real_array
from .layers import walk


def _parameter_keys(net):
    keys = []
    for layer_index, layer in enumerate(net.layers):
        for p in layer.parameters():
            keys.append((f"parameter/{len(keys)}/{layer.name}.{p.name}", p))
    return keys


def _buffer_keys(net):
    """Arrays a layer keeps besides its parameters (BatchNorm's running mean and variance),
    at any depth (inside Residual blocks too)."""
    keys = []
    for path, layer in walk(net.layers):
        for name in getattr(layer, "buffers", ()):
            keys.append((f"buffer/{path}/{layer.name}.{name}", layer, name))
    return keys


def _generator_keys(net):
    """The layers that draw random numbers while training (Dropout's masks), at any depth."""
    return [(f"rng/{path}/{layer.name}", layer) for path, layer in walk(net.layers)
            if isinstance(getattr(layer, "rng", None), np.random.Generator)]


def _plain(value):
    """The bit generator's state with numpy arrays (MT19937's key) as lists, for JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.integer):
        return int(value)
    return value


def _generator_state(key, saved, layer):
    """The bit-generator state dict stored under ``key``, checked against ``layer``'s generator."""
    saved = np.asarray(saved)
    if saved.shape != () or saved.dtype.kind != "U":
        raise ValueError(f"load: {key} must be a 0-d string array (a JSON state), got dtype "
                         f"{saved.dtype} and shape {saved.shape}")
    try:
        state = json.loads(saved.item())
    except ValueError:
        raise ValueError(f"load: {key} does not hold a generator state in JSON") from None
    if not isinstance(state, dict) or "bit_generator" not in state:
        raise ValueError(f"load: {key} does not hold a generator state (no 'bit_generator' entry)")
    kind = type(layer.rng.bit_generator).__name__
    if state["bit_generator"] != kind:
        raise ValueError(f"load: {key} holds the state of a {state['bit_generator']} generator, but "
                         f"{layer.name}'s rng uses {kind}; build it with the same kind of generator")
    try:  # on a scratch generator: nothing is loaded until everything was checked
        type(layer.rng.bit_generator)().state = state
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"load: {key} holds an invalid {kind} state ({error})") from None
    return state


def state(net, optimizer=None):
    """The dict of named arrays that ``save`` writes."""
    if not hasattr(net, "layers") or not hasattr(net, "parameters"):
        raise TypeError(f"save: net must be an nnlib Sequential network, got {type(net).__name__}")
    arrays = {key: p.value.copy() for key, p in _parameter_keys(net)}
    for key, layer, name in _buffer_keys(net):
        arrays[key] = np.array(getattr(layer, name), dtype=np.float64)
    for key, layer in _generator_keys(net):
        arrays[key] = np.array(json.dumps(_plain(layer.rng.bit_generator.state)))
    if optimizer is not None:
        if not hasattr(optimizer, "state_dict"):
            raise TypeError(f"save: optimizer must be an nnlib optimiser, got {type(optimizer).__name__}")
        _check_owns(net, optimizer, "save")
        arrays["optimizer/class"] = np.array(type(optimizer).__name__)
        for key, value in optimizer.state_dict().items():
            arrays[f"optimizer/{key}"] = value
    return arrays


def _check_net(net):
    if not hasattr(net, "layers") or not hasattr(net, "parameters"):
        raise TypeError(f"load: net must be an nnlib Sequential network, got {type(net).__name__}")


def _check_owns(net, optimizer, owner):
    if [id(p) for p in optimizer.parameters] != [id(p) for p in net.parameters()]:
        raise ValueError(f"{owner}: the optimizer must be built on net.parameters() (the same "
                         "parameters, in the same order)")


def save(path, net, optimizer=None):
    """Write the network's parameters (and the optimiser's state, if given) to ``path`` (.npz)."""
    np.savez(path, **state(net, optimizer))


def load(path, net, optimizer=None):
    """Read a file written by ``save`` into ``net`` (and ``optimizer``), in place.

    ``net`` must have the saved architecture (same layers, same shapes); ``optimizer`` must be
    of the saved class, built on ``net.parameters()``. Returns ``net``.
    """
    _check_net(net)
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    return load_state(arrays, net, optimizer)


def load_state(arrays, net, optimizer=None):
    """Load a dict of named arrays (as ``state`` returns) into ``net`` and ``optimizer``."""
    _check_net(net)
    if not isinstance(arrays, dict) or not all(isinstance(k, str) for k in arrays):
        raise TypeError(f"load: the saved state must be a dict of named arrays (as state() returns), "
                        f"got {type(arrays).__name__}")
    expected = _parameter_keys(net)
    saved = sorted((k for k in arrays if k.startswith("parameter/")), key=lambda k: int(k.split("/")[1]))
    if [k for k, _ in expected] != saved:
        raise ValueError(f"load: the file's parameters {saved} do not match this network's "
                         f"{[k for k, _ in expected]} (a different architecture?)")
    for key, p in expected:
        value = real_array("load", key, arrays[key])
        if value.shape != p.shape:
            raise ValueError(f"load: {key} has shape {value.shape} in the file, the network's is {p.shape}")
    buffers, generators = _buffer_keys(net), _generator_keys(net)
    expected_extra = [key for key, *_ in buffers] + [key for key, _ in generators]
    saved_extra = [k for k in arrays if k.startswith(("buffer/", "rng/"))]
    if sorted(expected_extra) != sorted(saved_extra):
        lacks = sorted(set(expected_extra) - set(saved_extra))
        extra = sorted(set(saved_extra) - set(expected_extra))
        raise ValueError("load: the file does not match this network's running statistics and "
                         "dropout generators" + (f"; it lacks {lacks}" if lacks else "")
                         + (f"; it has {extra}, which this network has not" if extra else "")
                         + " (a different architecture, or a file saved before generators were saved?)")
    for key, layer, name in buffers:
        value = real_array("load", key, arrays[key])
        if value.shape != np.shape(getattr(layer, name)):
            raise ValueError(f"load: {key} has shape {value.shape} in the file, "
                             f"the network's is {np.shape(getattr(layer, name))}")
    states = [(layer, _generator_state(key, arrays[key], layer)) for key, layer in generators]
    if optimizer is not None:
        _check_owns(net, optimizer, "load")
        saved_class = str(arrays.get("optimizer/class", "none"))
        if saved_class != type(optimizer).__name__:
            raise ValueError(f"load: the file holds the state of a {saved_class} optimiser, "
                             f"got a {type(optimizer).__name__}")
        optimizer.load_state_dict({k[len("optimizer/"):]: v for k, v in arrays.items()
                                   if k.startswith("optimizer/") and k != "optimizer/class"})
    for key, p in expected:  # only now, once everything was checked
        p.value = arrays[key]
        p.grad = np.zeros(p.shape)
    for key, layer, name in buffers:
        getattr(layer, name)[...] = arrays[key]
    for layer, state in states:
        layer.rng.bit_generator.state = state
    return net
