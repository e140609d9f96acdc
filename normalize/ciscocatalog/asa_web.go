package ciscocatalog

// ASA URL filtering (304xxx) and FTP inspection (303xxx): what a user
// fetched through the firewall.

var classFTPFile = []Case{
	{"Stored", cls("file-stored", success, cats(catFile, catNetwork), typeCreation)},
	{"Retrieved", cls("file-retrieved", success, cats(catFile, catNetwork), typeAccess)},
}

// concat joins lists of formats.
func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// accessed returns the shapes of a 304001 body with its client and server parts:
// a request without a Host header gives its URI only, and a URL longer
// than one message is split into chunks ending or starting with
// "partial" (a chunk is not a URL: none is handed out).
func accessed(client, server string) []string {
	head := client + `{? ({_idfw_user:text})} Accessed {?JAVA }URL ` + server + `:`
	return []string{
		head + `Hostname not present URI: {uri:text}`,
		head + ` partial {_chunk:text}`,
		head + `{_first_chunk} partial`,
		head + `{url}`,
	}
}

var asaWeb = []Msg{
	// "[user@]client Accessed {JAVA URL|URL} server:url"; with the identity
	// firewall the client's directory name follows in parentheses.
	{ID: "304001", Rule: "cisco_asa.url", Class: classWebAllowed, Map: map[string]string{"uri": "url.path"},
		// Devices also print a name before the server's address
		// ("Accessed URL name@10.0.0.1:http://..."); whose name that is
		// the guide does not say, so it is matched and not handed out.
		Formats: concat(accessed(`{src_ip}`, `{dst_ip}`), accessed(`{src_user}@{src_ip}`, `{dst_ip}`), accessed(`{src_ip}`, `{_server_user}@{dst_ip}`))},
	{ID: "304002", Rule: "cisco_asa.url", Class: classWebBlocked,
		Formats: []string{
			`Access denied URL {url} SRC {src_ip} DEST {dst_ip} on interface {src_if}`,
			`Access denied URL {url} SRC {src_ip} DEST {dst_ip}: {_reason:text}`,
		}},

	// An FTP command strict inspection refused: the connection is ended.
	{ID: "303003", Rule: "cisco_asa.ftp", Class: classDenied,
		Formats: []string{`FTP {ftp_command} command denied - failed strict inspection, terminating connection from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}`}},
	{ID: "303002", Rule: "cisco_asa.ftp", By: "_ftp_action", Cases: classFTPFile,
		Map:     map[string]string{"file_path": "file.path"},
		Formats: []string{`FTP connection from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}, user {user} {_ftp_action} file {file_path:text}`}},
}

func init() { registerASA(asaWeb) }
