# Runtime fix only: lost at the next reboot.
sysctl -w net.ipv4.ip_forward=1
