CHROMIUM = "/usr/bin/chromium"  # Debian's chromium package (make browser-deps)
