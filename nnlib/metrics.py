"""Classification metrics: predicted labels, accuracy and the confusion matrix.

Chapter 11 (``book/11_training_in_practice.ipynb``) uses them on the handwritten digits.
"""

import numpy as np

from ._validation import as_batch, finite_number, positive_integer


def _labels(owner, name, labels):
    if isinstance(labels, np.ma.MaskedArray):
        raise TypeError(f"{owner}: {name} must be a plain numpy array, got a masked array")
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(
            f"{owner}: {name} must be 1-D integer labels, got shape {labels.shape}, dtype {labels.dtype}"
        )
    return labels


def predicted_labels(scores, threshold=0.5):
    """Class predictions from a network's outputs ``scores`` (n, K).

    K > 1 (softmax probabilities or logits): the index of the largest score in each row.
    K = 1 (a sigmoid probability): 1 where the score is >= ``threshold`` (a finite number), else 0.
    Returns integer labels (n,).
    """
    scores = as_batch("predicted_labels", "scores", scores)
    threshold = finite_number("predicted_labels", "threshold", threshold)
    if scores.shape[1] == 1:
        return (scores[:, 0] >= threshold).astype(np.int64)
    return np.argmax(scores, axis=1).astype(np.int64)


def accuracy(labels, predicted):
    """The fraction of examples whose predicted label equals the true one: (1/n) sum [y_i = p_i]."""
    labels = _labels("accuracy", "labels", labels)
    predicted = _labels("accuracy", "predicted", predicted)
    if labels.shape != predicted.shape:
        raise ValueError(f"accuracy: labels have shape {labels.shape} but predicted has {predicted.shape}")
    if labels.size == 0:
        raise ValueError("accuracy: needs at least one example, got none")
    return float(np.mean(labels == predicted))


def confusion_matrix(labels, predicted, n_classes):
    """C (n_classes, n_classes) with C[i, j] = number of examples of true class i predicted as j.

    The diagonal counts the correct predictions; each row sums to the number of
    examples of that class, so trace(C) / sum(C) is the accuracy.
    """
    n_classes = positive_integer("confusion_matrix", "n_classes", n_classes)
    labels = _labels("confusion_matrix", "labels", labels)
    predicted = _labels("confusion_matrix", "predicted", predicted)
    if labels.shape != predicted.shape:
        raise ValueError(
            f"confusion_matrix: labels have shape {labels.shape} but predicted has {predicted.shape}"
        )
    for name, arr in (("labels", labels), ("predicted", predicted)):
        if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
            raise ValueError(
                f"confusion_matrix: {name} must lie in 0..{n_classes - 1}, got {arr.min()}..{arr.max()}"
            )
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (labels, predicted), 1)
    return C
