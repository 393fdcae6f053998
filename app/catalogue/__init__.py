"""The service catalogue, forms and locations as citizens and partners see them."""
