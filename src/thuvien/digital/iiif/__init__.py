"""iiif"""
