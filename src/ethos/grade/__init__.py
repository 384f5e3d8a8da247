"""ethos.grade"""
