"""Figures of chapter 11 (``book/11_training_in_practice.ipynb``): fits, learning curves,
the confusion matrix and misclassified digits. Each function returns a matplotlib Figure."""

import matplotlib.pyplot as plt
import numpy as np

from ..chapters.polynomial import evaluate_polynomial, fit_polynomial, mse

TRAIN_COLOR, VAL_COLOR, TRUE_COLOR = "tab:blue", "tab:orange", "0.55"


def plot_polynomial_fits(x_train, y_train, x_val, y_val, settings, true_function=None, ncols=3):
    """One panel per (degree, lam) in ``settings``: the training points, the validation
    points, the fitted polynomial, and the training and validation MSE in the title.

    The explorer of chapter 11 calls this with a single setting."""
    settings = list(settings)
    ncols = min(ncols, len(settings))
    nrows = int(np.ceil(len(settings) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.0 * ncols, 3.2 * nrows), squeeze=False,
                             sharex=True, sharey=True)
    grid = np.linspace(min(x_train.min(), x_val.min()), max(x_train.max(), x_val.max()), 400)
    for ax, (degree, lam) in zip(axes.flat, settings):
        c = fit_polynomial(x_train, y_train, degree, lam)
        if true_function is not None:
            ax.plot(grid, true_function(grid), color=TRUE_COLOR, lw=1.5, ls="--", label="true function")
        ax.plot(grid, evaluate_polynomial(c, grid), color="tab:red", lw=2, label="fitted polynomial")
        ax.scatter(x_val, y_val, s=14, color=VAL_COLOR, alpha=0.7, label="validation")
        ax.scatter(x_train, y_train, s=30, color=TRAIN_COLOR, edgecolor="k", zorder=3, label="training")
        train_err = mse(evaluate_polynomial(c, x_train), y_train)
        val_err = mse(evaluate_polynomial(c, x_val), y_val)
        lam_text = "" if lam == 0 else f", $\\lambda$ = {lam:g}"
        ax.set_title(f"degree {degree}{lam_text}\ntrain MSE {train_err:.3f}, val MSE {val_err:.3f}", fontsize=10)
        ax.set_ylim(-2.0, 2.0)
        ax.set_xlabel("x")
    for ax in axes.flat[len(settings):]:
        ax.axis("off")
    for ax in axes[:, 0]:
        ax.set_ylabel("y")
    axes.flat[0].legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig


def plot_error_vs_degree(degrees, train_errors, val_errors, best_degree=None):
    """Training and validation MSE against the polynomial degree (log scale)."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    floor = 1e-4  # errors below this (an interpolating fit: zero up to rounding) are drawn at the floor
    train_shown = np.maximum(np.asarray(train_errors, dtype=float), floor)
    ax.plot(degrees, train_shown, "o-", color=TRAIN_COLOR, label="training MSE")
    ax.plot(degrees, val_errors, "s-", color=VAL_COLOR, label="validation MSE")
    for d, e in zip(degrees, train_errors):
        if e < floor:
            ax.annotate(f"{e:.0e} (drawn at {floor:g})" if e > 0 else f"0 (drawn at {floor:g})", (d, floor),
                        textcoords="offset points", xytext=(-8, -3), ha="right", va="center", fontsize=8,
                        color=TRAIN_COLOR)
    ax.set_ylim(bottom=floor / 2)
    if best_degree is not None:
        ax.axvline(best_degree, color="k", ls=":", lw=1, label=f"lowest validation error (degree {best_degree})")
    ax.set_yscale("log")
    ax.set_xlabel("polynomial degree (model capacity)")
    ax.set_ylabel("mean squared error")
    ax.set_xticks(list(degrees))
    ax.text(0.02, 0.3, "underfitting\n(high bias)", transform=ax.transAxes, fontsize=9, va="center")
    ax.text(0.98, 0.3, "overfitting\n(high variance)", transform=ax.transAxes, fontsize=9, va="center", ha="right")
    ax.legend(fontsize=9, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_regression_fits(x_train, y_train, x_grid, curves, true_function=None):
    """One panel per (title, predictions on x_grid) in ``curves`` (a dict), with the training points."""
    n = len(curves)
    fig, axes = plt.subplots(1, n, figsize=(3.6 * n, 3.2), sharey=True, squeeze=False)
    for ax, (title, prediction) in zip(axes[0], curves.items()):
        if true_function is not None:
            ax.plot(x_grid, true_function(x_grid), color=TRUE_COLOR, ls="--", lw=1.5, label="true function")
        ax.plot(x_grid, np.ravel(prediction), color="tab:red", lw=2, label="network")
        ax.scatter(x_train, y_train, s=30, color=TRAIN_COLOR, edgecolor="k", zorder=3, label="training")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("x")
        ax.set_ylim(-2.0, 2.0)
    axes[0, 0].set_ylabel("y")
    # Four panels make a figure about 14 in wide, shown about 9.5 in (948 px) wide in the book:
    # 10 pt text comes out at about 9 CSS px there.
    axes[0, 0].legend(fontsize=10, loc="upper left")
    fig.tight_layout()
    return fig


def plot_learning_curves(histories, best_epoch=None, logy=True, ylabel="loss (MSE)"):
    """Training (solid) and validation (dashed) loss per epoch for each labelled History.

    ``histories``: dict label -> nnlib History with ``loss`` and ``val_loss``.
    ``best_epoch``: 0-based epoch to mark (the one early stopping would keep)."""
    fig, ax = plt.subplots(figsize=(7, 4))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for color, (label, h) in zip(colors, histories.items()):
        epochs = np.arange(1, len(h.loss) + 1)
        ax.plot(epochs, h.loss, color=color, lw=1.5, label=f"{label}: training")
        if h.val_loss:
            ax.plot(epochs, h.val_loss, color=color, lw=1.5, ls="--", label=f"{label}: validation")
    if best_epoch is not None:
        ax.axvline(best_epoch + 1, color="k", ls=":", lw=1, label=f"best validation epoch ({best_epoch + 1})")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(C, class_names=None, title="confusion matrix (test set)"):
    """The confusion matrix C[i, j] = count of true class i predicted as j, with the counts written in."""
    C = np.asarray(C)
    k = C.shape[0]
    names = [str(i) for i in range(k)] if class_names is None else list(class_names)
    fig, ax = plt.subplots(figsize=(5.6, 5))
    ax.imshow(C, cmap="Blues")
    for i in range(k):
        for j in range(k):
            if C[i, j]:
                color = "white" if C[i, j] > C.max() / 2 else ("tab:red" if i != j else "black")
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=9, color=color,
                        fontweight="bold" if i != j else "normal")
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_digit_images(images, titles, ncols=8, shape=(8, 8)):
    """A grid of small grey-scale images (each a row of ``images``) with a title above each."""
    images = np.asarray(images)
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.55 * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, title in zip(axes.flat, images, titles):
        ax.imshow(image.reshape(shape), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(title, fontsize=8)
    fig.tight_layout()
    return fig


def plot_dropout_scaling(rates, mean_inverted, mean_plain, reference=1.0):
    """Mean activation after dropout in training mode, inverted versus plain, against the rate."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.axhline(reference, color="k", lw=1, ls=":", label="mean without dropout (evaluation mode)")
    ax.plot(rates, mean_inverted, "o-", label="inverted dropout (survivors x 1/(1-p))")
    ax.plot(rates, mean_plain, "s-", label="plain dropout (no rescaling)")
    ax.set_xlabel("dropout rate p")
    ax.set_ylabel("mean activation in training mode")
    ax.set_ylim(0, 1.25 * reference)
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
