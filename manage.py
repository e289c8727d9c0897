#!/usr/bin/env python
from wushe.__main__ import main

if __name__ == "__main__":
    main()
