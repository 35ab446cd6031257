"""Read side of the hackathon domain: what its pages, the API and the services read (never writes)."""
