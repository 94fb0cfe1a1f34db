"""preservation"""
