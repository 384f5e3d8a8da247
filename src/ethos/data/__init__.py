"""ethos.data"""
