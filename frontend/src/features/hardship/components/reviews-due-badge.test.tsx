import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { mockApi, type MockApi } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render';
import { ReviewsDueBadge } from './reviews-due-badge';

const summary = { due_soon: 4, overdue: 3, total: 7, exit_recommended: 0, reminder_days: 30, by_org: [] };

describe('ReviewsDueBadge', () => {
  let api: MockApi | null = null;
  afterEach(() => {
    api?.restore();
    api = null;
  });

  it('shows how many files are due for review next to the menu entry', async () => {
    api = mockApi().on('GET', '/hardship/reviews-due/summary', { data: summary });
    renderWithProviders(<ReviewsDueBadge enabled>复核待办</ReviewsDueBadge>);
    await waitFor(() => expect(screen.getByTestId('menu-reviews-due').textContent).toContain('7'));
    expect(screen.getByText('复核待办')).toBeTruthy();
  });

  it('asks nothing for a user who may not read the hardship file', async () => {
    api = mockApi().on('GET', '/hardship/reviews-due/summary', { data: summary });
    renderWithProviders(<ReviewsDueBadge enabled={false}>复核待办</ReviewsDueBadge>);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.calls).toEqual([]);
    expect(screen.getByTestId('menu-reviews-due').textContent).not.toContain('7');
  });
});
