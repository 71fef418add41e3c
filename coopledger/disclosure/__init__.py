"""The three disclosures (三公开): calendar, generated contents, review, publication and
verification."""
