from apply import apply
apply("solutions/02_activations.ipynb", {
4: r'''
report("sigma(ln 3)", float(sigma_ln3), hint="sigma(ln 3) = 1 / (1 + e^(-ln 3)) = 1 / (1 + 1/3)")
report("sigma'(ln 3)", float(dsigma_ln3), hint="sigma' = sigma (1 - sigma), at ln 3: (3/4)(1/4)")
report("tanh'(0)", float(dtanh_0), hint="tanh' = 1 - tanh^2, and tanh(0) = 0")
report("softmax(ln 1, ln 2, ln 3)", np.asarray(softmax_ln123, dtype=float), hint="e^(ln k) = k, so the softmax is (1, 2, 3) / 6")
''',
5: r'''
report("the four values", [float(sigma_ln3), float(dsigma_ln3), float(dtanh_0)] + [float(v) for v in softmax_ln123], atol=1e-5)
''',
8: r'''
with np.errstate(over="raise", invalid="raise"):
    for z in ([10.0, 20.0, 30.0], [1.0, 2.0], [1000.0, 1001.0, 1002.0]):
        report(f"softmax({z})", np.asarray(softmax(np.array(z)), dtype=float),
               hint="subtract z.max(axis=-1, keepdims=True) before np.exp, and sum with keepdims=True")
''',
9: r'''
batch = np.array([[1.0, 2.0, 3.0], [-1000.0, 0.0, 1000.0]])
with np.errstate(over="raise", invalid="raise"):
    p = softmax(batch)
report("softmax of a batch of two rows", np.asarray(p, dtype=float),
       hint="for a batch, the max and the sum run along the last axis: axis=-1, keepdims=True")
''',
10: r'''
rng = np.random.default_rng(4)
Z = rng.normal(scale=3.0, size=(20, 5)) + rng.uniform(-2000, 2000, size=(20, 1))
with np.errstate(over="raise", invalid="raise"):
    report("softmax of 20 shifted random rows", np.asarray(softmax(Z), dtype=float), atol=1e-9)
    report("softmax of one row", np.asarray(softmax(Z[0]), dtype=float), atol=1e-9)
''',
13: r'''
zs = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
report("f(z), alpha = 0.1", np.asarray(leaky_relu(zs, 0.1), dtype=float), hint="f(z) = z for z > 0, alpha z otherwise")
report("f'(z), alpha = 0.1", np.asarray(leaky_relu_derivative(zs, 0.1), dtype=float),
       hint="use z > 0 (not z >= 0): at z = 0 leaky ReLU's derivative is alpha, as in nnlib")
''',
14: r'''
rng = np.random.default_rng(6)
Z = rng.normal(size=(4, 6))
Z[0, 0] = 0.0
for alpha in (0.01, 0.2, 0.5):
    report(f"f on a 4x6 batch, alpha = {alpha}", np.asarray(leaky_relu(Z, alpha), dtype=float), atol=1e-12)
    report(f"f' on a 4x6 batch, alpha = {alpha}", np.asarray(leaky_relu_derivative(Z, alpha), dtype=float), atol=1e-12)
''',
17: r'''
W1 = np.array([[1.0, 2.0], [0.0, -1.0]])
b1 = np.array([[0.5, -0.5]])
W2 = np.array([[2.0], [1.0]])
b2 = np.array([[0.25]])
W, b = collapse(W1, b1, W2, b2)
report("W", np.asarray(W, dtype=float), hint="(x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2)")
report("b", np.asarray(b, dtype=float), hint="the bias goes through the second layer too: b = b1 W2 + b2")
''',
18: r'''
rng = np.random.default_rng(9)
W1, b1 = rng.normal(size=(5, 3)), rng.normal(size=(1, 3))
W2, b2 = rng.normal(size=(3, 2)), rng.normal(size=(1, 2))
W, b = collapse(W1, b1, W2, b2)
report("W of a 5-3-2 network", np.asarray(W, dtype=float), atol=1e-9)
report("b of a 5-3-2 network", np.asarray(b, dtype=float), atol=1e-9)
''',
21: r'''
X5 = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
W5 = np.array([[1.0, 1.0, -1.0], [1.0, 1.0, 0.0]])
b5 = np.array([[0.0, -3.0, -1.0]])
report("dead", [bool(v) for v in np.ravel(dead_units(W5, b5, X5))],
       hint="a unit is dead on X when its pre-activation z = X W + b is <= 0 for EVERY sample: np.all(Z <= 0, axis=0)")
''',
22: r'''
rng = np.random.default_rng(12)
Xr = rng.normal(size=(200, 4))
Wr, br = rng.normal(size=(4, 10)), -np.linspace(0.0, 9.0, 10)[None, :]
report("dead units of a 4-10 layer on 200 samples", [bool(v) for v in np.ravel(dead_units(Wr, br, Xr))])
''',
25: r'''
report("(a) names of activations", all(type(v) is str for v in (largest_at_2, smallest_at_2)),
       hint='write names such as "sigmoid", "tanh", "relu"')
report("(b) the three tasks", sorted(output_activation) if type(output_activation) is dict else repr(output_activation))
''',
26: r'''
report("(a) largest derivative at z = 2", largest_at_2, hint="compare sigma'(2) = sigma(2)(1 - sigma(2)), tanh'(2) = 1 - tanh(2)^2 and relu'(2)",
       wrong=[("sigmoid", "sigma'(2) is about 0.105; relu'(2) = 1 is larger"), ("tanh", "tanh'(2) = 1 - tanh(2)^2 is about 0.07; relu'(2) = 1")])
report("(a) smallest derivative at z = 2", smallest_at_2, hint="tanh'(2) is about 0.071, sigma'(2) about 0.105",
       wrong=[("sigmoid", "sigma'(2) is about 0.105 but tanh'(2) = 1 - tanh(2)^2 is about 0.071: tanh saturates faster")])
report("(b) output activation per task", {str(k): str(v) for k, v in output_activation.items()},
       hint="a price is any real number (linear), spam is one probability (sigmoid), a digit is one of 10 classes (softmax)")
''',
})
