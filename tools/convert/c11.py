from apply import apply
apply("solutions/11_training_in_practice.ipynb", {
4: r'''
A = np.arange(1.0, 13.0).reshape(3, 4)
out, mask = dropout_forward(A, 0.5, np.random.default_rng(0))
report("output", np.asarray(out, dtype=float), hint="keep = rng.random(A.shape) < 1 - p; multiply by keep / (1 - p)")
report("mask values", sorted(set(np.round(np.ravel(np.asarray(mask, dtype=float)), 6).tolist())),
       hint="the mask holds 0 for a dropped unit and 1 / (1 - p) for a kept one (inverted dropout)")
big = np.random.default_rng(1).uniform(0, 2, size=(2000, 50))
out, _ = dropout_forward(big, 0.3, np.random.default_rng(2))
out = np.asarray(out, dtype=float)
report("mean before and after, share zeroed", [float(big.mean()), float(out.mean()), float(np.mean(out == 0))], atol=1e-3,
       hint="inverted dropout keeps the mean: divide the kept values by 1 - p")
same, _ = dropout_forward(A, 0.5, np.random.default_rng(0), training=False)
report("evaluation mode", np.asarray(same, dtype=float), hint="with training=False return A unchanged")
''',
5: r'''
for seed, p, shape in [(11, 0.2, (5, 7)), (12, 0.6, (3, 9)), (13, 0.0, (2, 2))]:
    rng = np.random.default_rng(seed)
    A = rng.normal(size=shape)
    out, mask = dropout_forward(A, p, np.random.default_rng(seed + 100))
    report(f"output and mask, p = {p}", [np.asarray(out, dtype=float), np.asarray(mask, dtype=float)], atol=1e-12)
rng = np.random.default_rng(14)
A = rng.normal(size=(4, 4))
state = rng.bit_generator.state
out, mask = dropout_forward(A, 0.5, rng, training=False)
report("evaluation mode leaves rng alone", rng.bit_generator.state == state)
report("evaluation mode: output and mask", [np.asarray(out, dtype=float), np.asarray(mask, dtype=float)])
''',
8: r'''
train, val, test = split_indices(10, np.random.default_rng(0))
report("train, val, test for n = 10", [np.asarray(part, dtype=float) for part in (train, val, test)],
       hint="order = rng.permutation(n); cut it at n_train and n_train + n_val")
train, val, test = split_indices(1797, np.random.default_rng(1))
report("sizes for n = 1797", [len(train), len(val), len(test)], hint="the sizes are int(0.6 n) and int(0.2 n); the test set gets the rest")
report("every index exactly once", sorted(np.concatenate([train, val, test]).tolist()) == list(range(1797)))
''',
9: r'''
for n, seed in [(7, 3), (101, 4), (1000, 5)]:
    report(f"parts for n = {n}", [np.asarray(part, dtype=float) for part in split_indices(n, np.random.default_rng(seed))])
''',
12: r'''
weights = [np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([[3.0], [-1.0]])]
grads = [np.array([[0.1, 0.0], [-0.2, 0.3]]), np.array([[0.0], [0.5]])]
penalty, new = l2_step(weights, grads, lr=0.1, lam=0.5)
report("penalty", float(penalty), hint="the penalty is lam / 2 times the sum of all squared weights")
report("new weights", [np.asarray(W, dtype=float) for W in new], hint="d/dW of lam/2 * sum W^2 is lam * W: W - lr * (G + lam * W)")
report("arguments unchanged", weights[0][0, 0] == 1.0 and weights[1][0, 0] == 3.0, hint="return new arrays; do not change the arguments in place")
''',
13: r'''
rng = np.random.default_rng(21)
weights = [rng.normal(size=(4, 5)), rng.normal(size=(5, 3))]
grads = [rng.normal(size=(4, 5)), rng.normal(size=(5, 3))]
penalty, new = l2_step(weights, grads, lr=0.05, lam=0.3)
report("penalty of a 4-5-3 network", float(penalty), atol=1e-12)
report("new weights of a 4-5-3 network", [np.asarray(W, dtype=float) for W in new], atol=1e-12)
''',
16: r'''
curves = [([5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 2.0], 3), ([5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 2.0], 4), ([1.0, 1.0, 1.0], 2)]
for k, (losses, patience) in enumerate(curves):
    best_epoch, stop_epoch = early_stopping(losses, patience)
    report(f"curve {k + 1}, patience {patience}: keep epoch, stop epoch", [best_epoch, stop_epoch],
           hint="count the epochs since the last improvement; reset the count when the loss beats the best")
''',
17: r'''
rng = np.random.default_rng(31)
results = []
for trial in range(50):
    losses = (np.cumsum(rng.normal(0, 1, size=40)) + 50).tolist()
    patience = int(rng.integers(1, 8))
    results.append(list(early_stopping(losses, patience)))
report("kept and stop epochs on 50 random curves", results)
''',
19: r'''
report("an integer", type(smallest_patience) is int, hint="an integer, for example smallest_patience = 2")
''',
20: r'''
report("(b) smallest patience", int(smallest_patience), hint="count the epochs in a row that do not beat the best loss so far, starting after epoch 1",
       wrong=[(5, "training stops at the epoch that makes `patience` epochs in a row without improvement: with 5, that is epoch 6, before epoch 7 is seen"),
              (7, "with one less, the run is still going at epoch 7: the five epochs 2 to 6 fail to improve, and a stop needs `patience` of them"),
              (4, "epoch 4 (1.55) is lower than epochs 2 and 3 but not than the best so far, 1.5: it does not count as an improvement")])
''',
23: r'''
C = np.asarray(confusion(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2]), 3), dtype=float)
report("confusion matrix", C, hint="row = true class, column = predicted class")
''',
24: r'''
rng = np.random.default_rng(41)
for K, n in [(2, 30), (10, 500), (4, 1)]:
    y, p = rng.integers(0, K, n), rng.integers(0, K, n)
    report(f"confusion matrix, K = {K}, n = {n}", np.asarray(confusion(y, p, K), dtype=float))
''',
29: r'''
predict = train_digits(X_digits[train_idx], y_digits[train_idx], np.random.default_rng(100))
labels = np.asarray(predict(X_digits[test_idx]))
report("one label in 0-9 per test image", labels.shape == (360,) and bool(np.isin(labels, np.arange(10)).all()),
       hint="predict must return one integer label per row, e.g. the argmax of the network's output over axis 1, not the probabilities")
accuracy = float(np.mean(labels == y_digits[test_idx])) if labels.shape == (360,) else 0.0
report("test accuracy", accuracy, at_least=0.95,
       hint="one hidden layer (say 32 ReLU units), softmax output, nn.SparseCCE(), nn.Adam(lr=0.01), 15 epochs in mini-batches of 32; predict the argmax of the output")
''',
30: r'''
order = np.random.default_rng(4).permutation(len(y_digits))
test2, train2 = order[:360], order[360:]
predict = train_digits(X_digits[train2], y_digits[train2], np.random.default_rng(101))
labels = np.asarray(predict(X_digits[test2]))
accuracy = float(np.mean(labels == y_digits[test2])) if labels.shape == (360,) else 0.0
report("accuracy on another split", accuracy, at_least=0.93)
''',
})
