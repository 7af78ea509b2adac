// VendorEval: small progressive enhancements. The app works without it.
