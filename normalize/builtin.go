package normalize

// builtins lists every built-in decoder. Each vendor family lives in its own
// file and contributes one function here; order only matters between
// decoders that share a program name or prefix (first match wins).
func builtins() []*Decoder {
	var ds []*Decoder
	for _, family := range [][]*Decoder{
		unixDecoders(),    // unix.go: sshd, sudo, su, PAM, user management, audit
		mailDecoders(),    // mail.go: postfix, sendmail, procmail, Exchange
		webDecoders(),     // web.go: Apache, nginx
		networkDecoders(), // network.go: Cisco ASA/PIX, IOS, iptables, pfSense
		windowsDecoders(), // windows.go: Windows Security events by every road
	} {
		ds = append(ds, family...)
	}
	return ds
}
