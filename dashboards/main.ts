import { writeWebterminalDashboard } from './webterminal-dashboard';

/** `npm run dashboard [file]`: writes the dashboard JSON. */
console.log(`wrote the Grafana dashboard to ${writeWebterminalDashboard(process.argv[2])}`);
