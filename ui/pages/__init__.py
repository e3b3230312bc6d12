"""The main window's pages. Each is a feature folder's widget: it gets the UiContext and a Navigator."""
