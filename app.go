package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	goruntime "runtime"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/options/mac"
	"github.com/wailsapp/wails/v2/pkg/options/windows"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"admin-console/backend/desktop"
	"admin-console/backend/i18n"
)

//go:embed build/appicon.png
var appIcon []byte

// App is the desktop shell: Wails lifecycle, the localized native menu and
// native dialogs. Everything else lives in backend/.
type App struct {
	ctx  context.Context
	core *desktop.Core
}

func newApp(core *desktop.Core) *App { return &App{core: core} }

// wailsEvents sends backend events to the window.
type wailsEvents struct{ ctx context.Context }

func (e wailsEvents) Emit(name string, data ...any) { runtime.EventsEmit(e.ctx, name, data...) }

func (a *App) run(assets embed.FS) error {
	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		return err
	}
	return wails.Run(&options.App{
		Title:       a.core.T("app.name", nil),
		Width:       1180,
		Height:      780,
		MinWidth:    860,
		MinHeight:   580,
		AssetServer: &assetserver.Options{Assets: dist},
		Menu:        a.menu(a.core.Language(context.Background())),
		OnStartup:   a.startup,
		Bind: []any{desktop.NewAccountService(a.core), desktop.NewI18nService(a.core),
			desktop.NewOrganizationService(a.core), desktop.NewWorkspaceService(a.core), desktop.NewBillingService(a.core),
			desktop.NewSecurityService(a.core), desktop.NewPrivacyService(a.core), desktop.NewCaptureService(a.core),
			desktop.NewAuditService(a.core)},
		EnableDefaultContextMenu: false,
		Linux: &linux.Options{ProgramName: "admin-console", Icon: appIcon,
			// What Wails picks when Linux options are nil (wails#2977: blank or
			// crashing webviews with some GPU drivers). On demand, WebKit spins up
			// a GL context (llvmpipe without a GPU) that costs ~100 MB for a UI
			// of forms and tables that does not need it.
			WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
		Mac:     &mac.Options{About: &mac.AboutInfo{Title: a.core.T("app.name", nil)}},
		Windows: &windows.Options{Theme: windows.SystemDefault},
	})
}

func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
	a.core.SetEvents(wailsEvents{ctx}, a.relocalize)
	a.core.SetDialogs(nativeDialogs{ctx})
	// Social sign-in happens in the system browser, never in this webview
	// (RFC 8252): the provider's page must not be one the app can read.
	a.core.SetBrowser(func(url string) error {
		runtime.BrowserOpenURL(ctx, url)
		return nil
	})
	if os.Getenv("ADMIN_CONSOLE_REPORT_READY") != "" {
		// Tests and the start-up benchmark wait for this line: the frontend
		// sends app:ready once its first screen has rendered.
		runtime.EventsOnce(ctx, "app:ready", func(...any) { fmt.Fprintln(os.Stderr, "ADMIN_CONSOLE_READY") })
	}
}

// relocalize redraws what Go draws when the language changes: the menu and
// the window title.
func (a *App) relocalize(lang string) {
	if a.ctx == nil {
		return
	}
	runtime.MenuSetApplicationMenu(a.ctx, a.menu(lang))
	runtime.MenuUpdateApplicationMenu(a.ctx)
	runtime.WindowSetTitle(a.ctx, a.core.Bundle.T(lang, "app.name", nil))
}

// menu builds the native menu in lang.
func (a *App) menu(lang string) *menu.Menu {
	t := func(id string) string { return a.core.Bundle.T(lang, id, nil) }
	m := menu.NewMenu()
	if goruntime.GOOS == "darwin" {
		m.Append(menu.AppMenu())
	}
	file := m.AddSubmenu(t("menu.file"))
	file.AddText(t("menu.sign_out"), nil, func(*menu.CallbackData) { a.core.SignOutFromMenu() })
	file.AddSeparator()
	file.AddText(t("menu.quit"), keys.CmdOrCtrl("q"), func(*menu.CallbackData) { runtime.Quit(a.ctx) })
	if goruntime.GOOS == "darwin" {
		// Only macOS routes the standard edit roles through the menu; elsewhere
		// the webview handles the shortcuts itself.
		m.Append(menu.EditMenu())
	}
	view := m.AddSubmenu(t("menu.view"))
	langs := view.AddSubmenu(t("menu.language"))
	for _, tag := range i18n.Languages {
		tag := tag
		langs.AddRadio(a.core.Bundle.T(tag, "language.native", nil), tag == lang, nil,
			func(*menu.CallbackData) { a.core.SetLanguageFromMenu(tag) })
	}
	help := m.AddSubmenu(t("menu.help"))
	help.AddText(t("menu.about"), nil, func(*menu.CallbackData) {
		_, _ = runtime.MessageDialog(a.ctx, runtime.MessageDialogOptions{
			Type:    runtime.InfoDialog,
			Title:   t("menu.about"),
			Message: a.core.Bundle.T(lang, "about.message", map[string]any{"Version": version}),
		})
	})
	return m
}
