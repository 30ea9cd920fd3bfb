"""The linker's steps: context, candidates and features, roles, years, scope, weights, training.

`extract.indicators` runs them in order for one document; `train` fits the weights on gold.
"""
