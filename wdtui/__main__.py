from wdtui.cli import main

raise SystemExit(main())
