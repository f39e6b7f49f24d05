"""Courses from DUO's open register of programmes (RIO, CC0): the files, their columns, the
importers for HO, mbo and short courses (NFO), the download through DUO's CKAN API, and the
snapshot of the HO file that the project ships in data/catalog/.
"""
