//go:build !linux

package main

// releaseStartupPages is Linux's (startpages_linux.go).
func releaseStartupPages() {}
