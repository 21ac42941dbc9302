from apply import apply, choice_cells
P = "solutions/03_forward_propagation.ipynb"
changes = {
4: r'''
report("X1", np.asarray(X1_by_hand, dtype=float), atol=5e-5, hint="X1 = W1 U: row i of W1 times U, biases are zero")
report("Y2", float(Y2_by_hand), atol=5e-5, hint="Y1 = sigmoid(X1), then Y2 = sigmoid(W2 Y1)")
''',
5: r'''
report("X1 and Y2", [float(v) for v in np.ravel(X1_by_hand)] + [float(Y2_by_hand)], atol=5e-5)
''',
8: r'''
W1 = np.array([[0.1, 0.2, 0.3], [-0.1, 0.0, -0.2]])
W2 = np.array([[0.2, -0.2]])
out = forward_column([W1, W2], [np.zeros((2, 1)), np.zeros((1, 1))], np.array([[3.0], [0.2], [-0.1]]))
report("output (a column)", np.asarray(out, dtype=float), hint="loop over the layers: a = sigmoid(W @ a + b), with a starting as the column x")
''',
9: r'''
_rng = np.random.default_rng(31)
_sizes = [4, 3, 5, 2]
_Ws = [_rng.normal(size=(b, a)) for a, b in zip(_sizes[:-1], _sizes[1:])]
_bs = [_rng.normal(size=(b, 1)) for b in _sizes[1:]]
_x = _rng.normal(size=(4, 1))
report("output of a 4-3-5-2 network", np.asarray(forward_column(_Ws, _bs, _x), dtype=float), atol=1e-12)
''',
12: r'''
for sizes in ([4, 5, 3], [4, 3, 2, 1], [2, 2, 1], [784, 128, 64, 10]):
    report(f"parameters of {sizes}", int(parameter_count(sizes)),
           hint="a layer with n_in inputs and n_out units has n_in * n_out weights and n_out biases")
''',
13: r'''
for _sizes in ([3, 7, 7, 2], [10, 1], [5, 40, 3, 3, 8]):
    report(f"parameters of {_sizes}", int(parameter_count(_sizes)))
''',
16: r'''
report("nnlib shapes of [784, 128, 64, 10]", [[int(n) for n in s] for pair in weight_shapes([784, 128, 64, 10], "nnlib") for s in pair],
       hint="nnlib: W (n_in, n_out), b (1, n_out)")
report("column shapes of [784, 128, 64, 10]", [[int(n) for n in s] for pair in weight_shapes([784, 128, 64, 10], "column") for s in pair],
       hint="column convention: W (n_out, n_in), b (n_out, 1)")
''',
17: r'''
report("nnlib shapes of [5, 2, 9]", [[int(n) for n in s] for pair in weight_shapes([5, 2, 9], "nnlib") for s in pair])
report("column shapes of [5, 2, 9]", [[int(n) for n in s] for pair in weight_shapes([5, 2, 9], "column") for s in pair])
try:
    weight_shapes([2, 2], "rows")
    outcome = "no error"
except ValueError:
    outcome = "ValueError"
report("an unknown convention", outcome, hint='raise ValueError for a convention other than "nnlib" or "column"')
''',
20: r'''
net, U, _ = examples.sheet5_network()   # exercise 1's network in nnlib's convention, U = (3, 0.2, -0.1)
Ws = [d.W.value for d in net.dense_layers()]
bs = [d.b.value for d in net.dense_layers()]
batch = np.vstack([U, [[1.0, 2.0, -1.0]], [[0.0, 0.0, 0.0]]])
report("outputs for a batch of three", np.asarray(forward_batch(batch, Ws, bs, [nn.sigmoid, nn.sigmoid]), dtype=float),
       hint="A = f(A @ W + b) for each layer, with A starting as the whole batch X")
''',
21: r'''
_rng = np.random.default_rng(8)
_Ws = [_rng.normal(size=(5, 6)), _rng.normal(size=(6, 4))]
_bs = [_rng.normal(size=(1, 6)), _rng.normal(size=(1, 4))]
_X = _rng.normal(size=(300, 5))
report("relu-softmax network on 300 samples", np.asarray(forward_batch(_X, _Ws, _bs, [nn.relu, nn.softmax]), dtype=float), atol=1e-12)
''',
}
changes.update(choice_cells(P, 24, 25))
apply(P, changes)
