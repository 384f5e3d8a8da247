"""ethos.train"""
