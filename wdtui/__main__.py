from wdtui.commands.cli import main

raise SystemExit(main())
