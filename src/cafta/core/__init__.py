"""Value types shared by every context: errors, money, validity periods and the clock."""
