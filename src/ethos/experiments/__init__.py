"""ethos.experiments"""
