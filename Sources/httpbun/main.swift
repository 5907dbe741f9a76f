print("httpbun")
