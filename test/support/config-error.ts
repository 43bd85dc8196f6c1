import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../lambda/config.ts';

/** The message of the ConfigError loadConfig throws for this environment; fails if it throws none. */
export function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}
