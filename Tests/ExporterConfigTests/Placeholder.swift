// Placeholder so the target builds; real tests live beside it.
