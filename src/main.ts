import 'reflect-metadata';
import { runOrExit, startService, stopOnSignals } from './boot';

// `npm start`: the service alone (an embedded Postgres only when DATABASE_URL is unset).
runOrExit(async () => {
  const service = await startService();
  stopOnSignals(() => service.stop());
});
