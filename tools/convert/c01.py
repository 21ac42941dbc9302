from apply import apply
apply("solutions/01_neuron_perceptron.ipynb", {
4: r'''
report("f values", np.asarray(f_values, dtype=float), hint="f = w . x + b for each of the four rows, with w = (0.5, -0.5), b = 1")
report("mean perceptron loss", float(perceptron_mean), hint="the perceptron loss of a row is max(0, -y f); average over the four rows")
report("mean hinge loss", float(hinge_mean), hint="the hinge loss of a row is max(0, 1 - y f); average over the four rows")
''',
5: r'''
report("f values, perceptron and hinge means", [float(v) for v in f_values] + [float(perceptron_mean), float(hinge_mean)], atol=1e-4)
''',
8: r'''
x_case = np.array([2.0, 1.0])
for y_i, w_case in [(1, [1.0, 1.0]), (-1, [-1.0, -1.0]), (1, [-1.0, -1.0]), (-1, [1.0, 1.0])]:
    gw, gb = perceptron_loss_gradient(np.array(w_case), 0.0, x_case, y_i)
    report(f"y = {y_i:+d}, w = {w_case}: dL/dw, dL/db", [float(v) for v in np.ravel(gw)] + [float(gb)],
           hint="the gradient is zero when y f >= 0 (including y f = 0), and -y x, -y otherwise")
''',
9: r'''
rng = np.random.default_rng(11)
rows = []
for _ in range(200):
    w_r, x_r, b_r = rng.normal(size=3), rng.normal(size=3), float(rng.normal())
    y_r = int(rng.choice([-1, 1]))
    gw, gb = perceptron_loss_gradient(w_r, b_r, x_r, y_r)
    rows.append([float(v) for v in np.ravel(gw)] + [float(gb)])
report("gradients on 200 random samples", np.asarray(rows, dtype=float))
''',
12: r'''
w_s, b_s = np.zeros(2), 0.0
for i in range(4):                     # one epoch over the table, eta = 0.01, from w = 0, b = 0
    w_s, b_s = perceptron_update(w_s, b_s, X[i], int(y[i]), 0.01)
    report(f"after row {i + 1}: w, b", [float(v) for v in np.ravel(w_s)] + [float(b_s)],
           hint="a mistake (y f <= 0) moves w by +lr*y*x and b by +lr*y: towards the point if y = +1, away if y = -1")
''',
13: r'''
w_keep = np.array([1.0, 2.0])
perceptron_update(w_keep, 0.0, np.array([-1.0, -1.0]), 1, 0.5)
report("input w unchanged", w_keep.tolist() == [1.0, 2.0], hint="return w + lr * y * x, a new array; do not change w in place (no +=)")
''',
14: r'''
rng = np.random.default_rng(5)
Xh = rng.normal(size=(40, 3))
yh = np.where(Xh @ np.array([1.0, -2.0, 0.5]) + 0.3 >= 0, 1, -1)
w_h, b_h = np.zeros(3), 0.0
for epoch in range(20):
    for xi, yi in zip(Xh, yh):
        w_h, b_h = perceptron_update(w_h, b_h, xi, int(yi), 0.1)
report("w, b after 20 epochs on 40 random points", [float(v) for v in np.ravel(w_h)] + [float(b_h)])
''',
17: r'''
for lam in [0.0, 0.1, 1.0]:
    report(f"E at lambda = {lam}", float(objective(np.array([0.5, -0.5]), 1.0, X, y, lam)),
           hint="E = mean hinge loss + lambda ||w||^2")
''',
18: r'''
rng = np.random.default_rng(8)
values = []
for _ in range(50):
    Xr = rng.normal(size=(7, 3))
    yr = rng.choice([-1, 1], size=7)
    wr, br, lam = rng.normal(size=3), float(rng.normal()), float(rng.uniform(0, 2))
    values.append(float(objective(wr, br, Xr, yr, lam)))
report("E on 50 random problems", values)
''',
21: r'''
report("(a) a word", plus_rule_effect in ("up", "down") if type(plus_rule_effect) is str else False,
       hint='write "up" or "down"')
''',
22: r'''
report("(b) a list of row numbers 1-4", type(strict_mistakes_at_zero) in (list, tuple, set)
       and all(type(i) is int and 1 <= i <= 4 for i in strict_mistakes_at_zero), hint="a list of row numbers such as [1, 3]")
''',
23: r'''
report("(c) the four models", sorted(four_uses) if type(four_uses) is dict else repr(four_uses),
       hint='a dict {"perceptron": (activation, loss), ...} for the four models')
''',
24: r'''
report("(a) the + rule moves the loss", plus_rule_effect if type(plus_rule_effect) is str else repr(plus_rule_effect),
       hint="the update w - eta * dL/dw goes downhill; with + it climbs: compute the loss before and after",
       wrong=[("down", "with + instead of - the step follows the gradient uphill, so the loss goes up")])
report("(b) strict mistakes at w = 0", sorted(int(i) for i in strict_mistakes_at_zero),
       hint="at w = 0, b = 0 every f is 0, so y f = 0 < 0 is never true: no row is a strict mistake",
       wrong=[([1, 2, 3, 4], "y f = 0 is not a strict mistake (y f < 0): at w = 0 no row qualifies")])
report("(c) activation and loss per model", {str(k): [str(v) for v in val] for k, val in four_uses.items()},
       hint="perceptron: step + hinge; logistic regression: sigmoid + bce; softmax regression: softmax + cce; linear regression: linear + mse")
''',
27: r'''
report("one of A, B, C, D", type(choice) is str and choice.strip().upper() in ("A", "B", "C", "D"),
       hint='a string with one letter, for example choice = "A"')
''',
28: r'''
picked = choice.strip().upper() if type(choice) is str else repr(choice)
report("choice", picked, hint="think of XOR: does any weight vector classify all four points correctly?",
       wrong=[("A", "on data that no line (hyperplane) separates, such as XOR, some sample is always misclassified, so a pass without mistakes never comes"),
              ("B", "the start changes how many updates are needed, not whether the updates end; the condition is on the data"),
              ("C", "starting from w = 0, eta only scales w and leaves every sign(w . x) unchanged: the rule stops, or not, for every eta > 0")])
''',
})
