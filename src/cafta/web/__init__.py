"""The portal: server-rendered pages for traders, brokers, officers and analysts."""
