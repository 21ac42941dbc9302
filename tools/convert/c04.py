from apply import apply
apply("solutions/04_losses.ipynb", {
4: r'''
for name, value in (("MSE", mse_value), ("Huber", huber_value), ("BCE", bce_value), ("CCE", cce_value), ("hinge", hinge_value)):
    report(name, float(value), hint="MSE (p - y)^2; Huber delta |e| - delta^2/2 for |e| > delta; BCE -log p; CCE -log of the true class's probability; hinge max(0, 1 - y f)")
''',
5: r'''
report("the five losses", [float(v) for v in (mse_value, huber_value, bce_value, cce_value, hinge_value)])
''',
8: r'''
value, grad = huber(np.array([[18.0], [3.5], [2.0]]), np.array([[3.0], [3.0], [3.0]]), 1.0)
report("value", float(value), hint="the mean over the entries of 0.5 e^2 (|e| <= delta) or delta (|e| - delta/2)")
report("grad", np.asarray(grad, dtype=float), hint="the gradient is clip(e, -delta, delta) / N: divide by the number of entries")
''',
9: r'''
_rng = np.random.default_rng(12)
_P, _T = _rng.normal(size=(7, 3)) * 2, _rng.normal(size=(7, 3))
_v, _g = huber(_P, _T, 0.7)
report("value on a 7x3 batch, delta 0.7", float(_v), atol=1e-12)
report("gradient on a 7x3 batch, delta 0.7", np.asarray(_g, dtype=float), atol=1e-12)
''',
12: r'''
value, grad = bce(np.array([[0.9], [0.2], [0.5073210509967371]]), np.array([[1.0], [1.0], [0.0]]))
report("value", float(value), hint="-mean(y log p + (1 - y) log(1 - p))")
report("grad", np.asarray(grad, dtype=float), hint="dL/dp of one entry is (p - y) / (p (1 - p)); divide by the number of entries")
''',
13: r'''
_rng = np.random.default_rng(13)
_p = _rng.uniform(0.05, 0.95, size=(9, 2))
_y = _rng.integers(0, 2, size=(9, 2)).astype(float)
_v, _g = bce(_p, _y)
report("value on a 9x2 batch", float(_v), atol=1e-12)
report("gradient on a 9x2 batch", np.asarray(_g, dtype=float), atol=1e-12)
''',
16: r'''
salaries = [3.0, 5.0, 8.0, 11.0, 40.0]
report("best constant, MSE", float(best_constant(salaries, "mse")), hint="the derivative of the mean squared error is zero at the mean")
report("best constant, MAE", float(best_constant(salaries, "mae")), hint="MAE balances the points above and below: the median")
''',
17: r'''
_rng = np.random.default_rng(14)
_y = _rng.exponential(size=8)
report("best constants of 8 random targets", [float(best_constant(_y, "mse")), float(best_constant(_y, "mae"))])
''',
19: r'''
report("(b) two numbers", all(type(v) in (int, float) for v in (mse_shift, mae_shift)), hint="two numbers, for example mse_shift = 1.5")
''',
20: r'''
report("(b) MSE shift", float(mse_shift), hint="the mean is the sum over n: raising one target by 360 raises the mean by 360 / 5",
       wrong=[(360.0, "the mean is the sum over n: raising one target by 360 raises the mean by 360 / 5, not 360")])
report("(b) MAE shift", float(mae_shift), hint="the median is the middle one of the sorted targets: does the middle one change when the largest grows?")
''',
23: r'''
for n, k in ((1, 1), (4, 1), (2, 3)):
    report(f"lr factor for n = {n}, k = {k}", float(lr_factor(n, k)),
           hint="compare the gradients: MSE() gives 2 (p - y) / (n k), the half-sum gives (p - y)")
''',
24: r'''
for _n, _k in ((5, 2), (3, 4), (7, 1)):
    report(f"lr factor for n = {_n}, k = {_k}", float(lr_factor(_n, _k)), atol=1e-12)
''',
28: r'''
points = [(zv, yv) for zv in (-2.0, 0.0, 1.5) for yv in (0.0, 1.0)]
report("a sympy expression", isinstance(dL_dz, sp.Expr),
       hint="build the answer from the symbols z and y and sympy functions (sp.exp), not from numbers or numpy")
report("dL/dz at six points (z, y)", [float(sp.sympify(dL_dz).subs({z: zv, y: yv}).evalf()) for zv, yv in points], atol=1e-9,
       hint="dL/da = -y/a + (1 - y)/(1 - a) = (a - y) / (a (1 - a)); multiply by da/dz = a (1 - a)",
       wrong=[([-0.11920292202211755, 0.8807970779778824, -0.5, 0.5, -0.8175744761936437, 0.18242552380635635],
               "a sign slip: L has a minus in front, and d/da log(1 - a) = -1/(1 - a); the result is positive when the prediction is above the target")])
''',
29: r'''
points = [(zv, yv) for zv in (-3.0, -0.5, 0.0, 1.25, 4.0) for yv in (0.0, 1.0, 0.3)]
report("dL/dz at 15 points", [float(sp.sympify(dL_dz).subs({z: zv, y: yv}).evalf()) for zv, yv in points], atol=1e-9)
''',
})
