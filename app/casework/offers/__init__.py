"""Offers (tilbud), their rule data, and the company side: companies, contacts,
recruitment orders."""
