"""ethos.spec"""
