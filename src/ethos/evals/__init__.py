"""ethos.evals"""
