"""ethos.report"""
