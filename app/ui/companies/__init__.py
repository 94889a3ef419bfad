"""The company side: companies, contacts, recruitment orders and the citizens placed there."""
