#!/bin/sh
sysctl -w net.ipv4.ip_forward=0
