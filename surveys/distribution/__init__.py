"""Distribution: channel links, QR codes, signed links, invitation emails, unsubscribe."""
