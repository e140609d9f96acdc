//go:build windows

package main

// Bindings for the Windows Event Log API (wevtapi.dll), the few calls the
// agent needs. See the Win32 documentation of each function; the
// constants are from winevt.h.

import (
	"errors"
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	modwevtapi                   = windows.NewLazySystemDLL("wevtapi.dll")
	procEvtSubscribe             = modwevtapi.NewProc("EvtSubscribe")
	procEvtNext                  = modwevtapi.NewProc("EvtNext")
	procEvtRender                = modwevtapi.NewProc("EvtRender")
	procEvtFormatMessage         = modwevtapi.NewProc("EvtFormatMessage")
	procEvtOpenPublisherMetadata = modwevtapi.NewProc("EvtOpenPublisherMetadata")
	procEvtCreateBookmark        = modwevtapi.NewProc("EvtCreateBookmark")
	procEvtOpenLog               = modwevtapi.NewProc("EvtOpenLog")
	procEvtGetLogInfo            = modwevtapi.NewProc("EvtGetLogInfo")
	procEvtClose                 = modwevtapi.NewProc("EvtClose")
)

// evtHandle is an EVT_HANDLE.
type evtHandle uintptr

// EVT_SUBSCRIBE_FLAGS.
const (
	evtSubscribeToFutureEvents      = 1
	evtSubscribeStartAtOldestRecord = 2
	evtSubscribeStartAfterBookmark  = 3
	evtSubscribeStrict              = 0x10000
)

// EVT_RENDER_FLAGS, EVT_FORMAT_MESSAGE_FLAGS, EVT_OPEN_LOG_FLAGS,
// EVT_LOG_PROPERTY_ID, EVT_VARIANT_TYPE.
const (
	evtRenderEventXml      = 1
	evtFormatMessageXml    = 9
	evtOpenChannelPath     = 1
	evtLogCreationTime     = 0
	evtVarTypeFileTime     = 17
	evtVarTypeNull         = 0
	evtVariantSize         = 16
	infiniteWait           = 0xFFFFFFFF
	waitObject0            = 0
	waitTimeout            = 258
	errorNoMoreItems       = syscall.Errno(259)
	errorInsufficientBuf   = syscall.Errno(122)
	errorNotFound          = syscall.Errno(1168)
	errorInvalidOperation  = syscall.Errno(4317)
	errorEvtQueryStale     = syscall.Errno(15011) // ERROR_EVT_QUERY_RESULT_STALE: the log changed under the query
	errorEvtInvalidPos     = syscall.Errno(15012) // ERROR_EVT_QUERY_RESULT_INVALID_POSITION
	errorEvtMsgNotFound    = syscall.Errno(15027)
	errorEvtMsgIDNotFound  = syscall.Errno(15028)
	errorEvtUnresolvedVal  = syscall.Errno(15029)
	errorEvtUnresolvedPar  = syscall.Errno(15030)
	errorEvtMaxInserts     = syscall.Errno(15031)
	errorEvtMsgLocaleNotFd = syscall.Errno(15033)
)

// callErr turns the error of a failed call into one that errors.Is can
// match against a syscall.Errno.
func callErr(name string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) && errno != 0 {
		return fmt.Errorf("%s: %w", name, errno)
	}
	return fmt.Errorf("%s failed", name)
}

func evtSubscribe(signal windows.Handle, channel, query string, bookmark evtHandle, flags uint32) (evtHandle, error) {
	ch, err := windows.UTF16PtrFromString(channel)
	if err != nil {
		return 0, err
	}
	q, err := windows.UTF16PtrFromString(query)
	if err != nil {
		return 0, err
	}
	r, _, e := procEvtSubscribe.Call(0, uintptr(signal), uintptr(unsafe.Pointer(ch)), uintptr(unsafe.Pointer(q)),
		uintptr(bookmark), 0, 0, uintptr(flags))
	if r == 0 {
		return 0, callErr("EvtSubscribe", e)
	}
	return evtHandle(r), nil
}

// evtNext fills events from a result set; it returns how many.
func evtNext(results evtHandle, events []evtHandle, timeoutMillis uint32) (int, error) {
	var n uint32
	r, _, e := procEvtNext.Call(uintptr(results), uintptr(len(events)), uintptr(unsafe.Pointer(&events[0])),
		uintptr(timeoutMillis), 0, uintptr(unsafe.Pointer(&n)))
	if r == 0 {
		return 0, callErr("EvtNext", e)
	}
	return int(n), nil
}

func evtClose(h evtHandle) {
	if h != 0 {
		procEvtClose.Call(uintptr(h))
	}
}

// evtRenderXML renders an event as XML (no message) into buf, growing it.
func evtRenderXML(h evtHandle, buf []uint16) (string, []uint16, error) {
	for {
		var used, props uint32
		var p *uint16
		if len(buf) > 0 {
			p = &buf[0]
		}
		r, _, e := procEvtRender.Call(0, uintptr(h), evtRenderEventXml, uintptr(len(buf)*2),
			uintptr(unsafe.Pointer(p)), uintptr(unsafe.Pointer(&used)), uintptr(unsafe.Pointer(&props)))
		if r != 0 {
			return windows.UTF16ToString(buf[:used/2]), buf, nil
		}
		if err := callErr("EvtRender", e); !errors.Is(err, errorInsufficientBuf) {
			return "", buf, err
		}
		buf = make([]uint16, used/2+1)
	}
}

// evtFormatXML renders an event as XML with its RenderingInfo (message,
// level, task, opcode and keyword names) using the publisher's metadata.
func evtFormatXML(publisher, h evtHandle, buf []uint16) (string, []uint16, error) {
	for {
		var used uint32
		var p *uint16
		if len(buf) > 0 {
			p = &buf[0]
		}
		r, _, e := procEvtFormatMessage.Call(uintptr(publisher), uintptr(h), 0, 0, 0, evtFormatMessageXml,
			uintptr(len(buf)), uintptr(unsafe.Pointer(p)), uintptr(unsafe.Pointer(&used)))
		if r != 0 {
			return windows.UTF16ToString(buf[:min(int(used), len(buf))]), buf, nil
		}
		err := callErr("EvtFormatMessage", e)
		switch {
		case errors.Is(err, errorInsufficientBuf):
			buf = make([]uint16, used+1)
			continue
		case errors.Is(err, errorEvtMsgNotFound), errors.Is(err, errorEvtMsgIDNotFound), errors.Is(err, errorEvtUnresolvedVal),
			errors.Is(err, errorEvtUnresolvedPar), errors.Is(err, errorEvtMaxInserts), errors.Is(err, errorEvtMsgLocaleNotFd):
			// The XML is rendered but part of the message could not be: still
			// better than no message, if the buffer holds a whole event.
			if used > 0 && int(used) <= len(buf) {
				if s := windows.UTF16ToString(buf[:used]); len(s) > 0 && s[0] == '<' {
					return s, buf, nil
				}
			}
		}
		return "", buf, err
	}
}

func evtOpenPublisherMetadata(publisher string) (evtHandle, error) {
	p, err := windows.UTF16PtrFromString(publisher)
	if err != nil {
		return 0, err
	}
	r, _, e := procEvtOpenPublisherMetadata.Call(0, uintptr(unsafe.Pointer(p)), 0, 0, 0)
	if r == 0 {
		return 0, callErr("EvtOpenPublisherMetadata", e)
	}
	return evtHandle(r), nil
}

// evtBookmarkAfter creates a bookmark at record id of channel.
func evtBookmarkAfter(channel string, id uint64) (evtHandle, error) {
	var b []byte
	b = append(b, "<BookmarkList><Bookmark Channel='"...)
	b = appendEscaped(b, channel, true)
	b = fmt.Appendf(b, "' RecordId='%d' IsCurrent='true'/></BookmarkList>", id)
	x, err := windows.UTF16PtrFromString(string(b))
	if err != nil {
		return 0, err
	}
	r, _, e := procEvtCreateBookmark.Call(uintptr(unsafe.Pointer(x)))
	if r == 0 {
		return 0, callErr("EvtCreateBookmark", e)
	}
	return evtHandle(r), nil
}

// logCreationTime returns the channel's log creation time (FILETIME), 0
// if it cannot be read.
func logCreationTime(channel string) (uint64, error) {
	p, err := windows.UTF16PtrFromString(channel)
	if err != nil {
		return 0, err
	}
	r, _, e := procEvtOpenLog.Call(0, uintptr(unsafe.Pointer(p)), evtOpenChannelPath)
	if r == 0 {
		return 0, callErr("EvtOpenLog", e)
	}
	h := evtHandle(r)
	defer evtClose(h)
	var v [evtVariantSize]byte
	var used uint32
	ok, _, e := procEvtGetLogInfo.Call(uintptr(h), evtLogCreationTime, evtVariantSize,
		uintptr(unsafe.Pointer(&v[0])), uintptr(unsafe.Pointer(&used)))
	if ok == 0 {
		return 0, callErr("EvtGetLogInfo", e)
	}
	// EVT_VARIANT: an 8-byte union, then Count and Type (DWORDs).
	typ := *(*uint32)(unsafe.Pointer(&v[12]))
	if typ != evtVarTypeFileTime {
		return 0, nil
	}
	return *(*uint64)(unsafe.Pointer(&v[0])), nil
}
