"""Geography: LGD import and who heads each kind of office."""
