/* NetSuite Sync for WooCommerce — admin buttons: Test connection, Sync now (with progress), Retry / Skip,
 * Send to NetSuite again, Send waiting events now. Every call goes to admin-ajax with its own nonce. */
( function ( $, cfg ) {
	'use strict';
	if ( ! cfg ) {
		return;
	}
	var t = cfg.i18n;

	function call( action, data ) {
		return $.post( cfg.ajaxUrl, $.extend( { action: action, nonce: cfg.nonces[ action ] }, data || {} ) );
	}

	function errorText( xhr ) {
		var body = xhr && xhr.responseJSON;
		if ( body && body.data && body.data.message ) {
			return body.data.message;
		}
		return t.error + ' HTTP ' + ( xhr ? xhr.status : '?' );
	}

	function show( $el, text, cls ) {
		$el.text( text ).removeClass( 'nssync-ok nssync-bad' ).addClass( cls || '' );
	}

	// Test connection: one row per system.
	$( document ).on( 'click', '#nssync-test-connection', function () {
		var $btn = $( this ).prop( 'disabled', true ),
			$table = $( '#nssync-test-results' ).prop( 'hidden', false ),
			$body = $table.find( 'tbody' ).empty().append( $( '<tr>' ).append( $( '<td colspan="2">' ).text( t.testing ) ) );
		call( 'nssync_test_connection' ).done( function ( res ) {
			$body.empty();
			if ( ! res.success ) {
				$body.append( $( '<tr>' ).append( $( '<td colspan="2" class="nssync-bad">' ).text( res.data.message ) ) );
				return;
			}
			$.each( res.data.rows || [], function ( i, row ) {
				var $td = $( '<td>' ).addClass( row.ok ? 'nssync-ok' : 'nssync-bad' ).text( row.ok ? t.ok : t.failed + ( row.error ? ': ' + row.error : '' ) );
				if ( row.causes && row.causes.length ) {
					var $ul = $( '<ul class="nssync-causes">' );
					$.each( row.causes, function ( j, cause ) { $ul.append( $( '<li>' ).text( cause ) ); } );
					$td.append( $( '<p>' ).text( t.causes ) ).append( $ul );
				}
				$body.append( $( '<tr>' ).append( $( '<th>' ).text( row.label ) ).append( $td ) );
			} );
		} ).fail( function ( xhr ) {
			$body.empty().append( $( '<tr>' ).append( $( '<td colspan="2" class="nssync-bad">' ).text( errorText( xhr ) ) ) );
		} ).always( function () {
			$btn.prop( 'disabled', false );
		} );
	} );

	// Connection: show the fields of the chosen NetSuite authentication only.
	function authMode() {
		var mode = $( 'select.nssync-auth-mode' ).val();
		if ( ! mode ) {
			return;
		}
		$( '.nssync-auth-tba' ).closest( 'tr' ).toggle( mode === 'tba' );
		$( '.nssync-auth-oauth2' ).closest( 'tr' ).toggle( mode === 'oauth2' );
	}
	$( document ).on( 'change', 'select.nssync-auth-mode', authMode );
	$( authMode );

	// NetSuite pickers: searchable selects filled from the sidecar (GET /v1/netsuite/lookups/<kind>?q=); a typed
	// internal id is accepted as it is. The names of the values already chosen are looked up once.
	function initLookups() {
		if ( ! $.fn.selectWoo ) {
			return;
		}
		$( 'select.nssync-lookup' ).each( function () {
			var $s = $( this ), kind = $s.data( 'nssync-lookup' ), extras = {};
			$s.find( 'option' ).each( function () {
				if ( this.value && this.text.charAt( 0 ) !== '#' ) { extras[ this.value ] = this.text; }
			} );
			$s.selectWoo( {
				width: $s.prop( 'multiple' ) ? '400px' : '320px',
				allowClear: ! $s.prop( 'multiple' ),
				placeholder: $s.data( 'placeholder' ) || '',
				tags: true,
				minimumInputLength: 0,
				language: { searching: function () { return t.searching; }, noResults: function () { return t.noMatch; } },
				createTag: function ( p ) {
					var term = $.trim( p.term );
					return /^[0-9]+$/.test( term ) || extras[ term ] ? { id: term, text: extras[ term ] || term + ' ' + t.typedId } : null;
				},
				ajax: {
					url: cfg.ajaxUrl, type: 'POST', dataType: 'json', delay: 250,
					data: function ( p ) { return { action: 'nssync_lookup', nonce: cfg.nonces.nssync_lookup, kind: kind, q: p.term || '' }; },
					processResults: function ( res ) {
						var out = $.map( extras, function ( text, id ) { return { id: id, text: text }; } );
						if ( res && ! res.success && res.data && res.data.message ) {
							// The sidecar could not search (NetSuite not connected yet, refused, down): say why,
							// not "no match". Not id '': Select2 drops the entry whose id is the placeholder's ('').
							out.push( { id: 'nssync-lookup-error', text: res.data.message, disabled: true } );
						}
						$.each( ( res && res.success && res.data.items ) || [], function ( i, item ) {
							out.push( { id: item.id, text: item.name + ' (' + item.id + ')' } );
						} );
						return { results: out };
					}
				}
			} );
			$s.find( 'option:selected' ).each( function () {
				var opt = this;
				if ( ! opt.value || extras[ opt.value ] ) { return; }
				call( 'nssync_lookup', { kind: kind, q: opt.value } ).done( function ( res ) {
					$.each( ( res && res.success && res.data.items ) || [], function ( i, item ) {
						if ( String( item.id ) === opt.value ) {
							$( opt ).text( item.name + ' (' + item.id + ')' ).removeData( 'data' ); // Select2 caches the label.
							$s.trigger( 'change.select2' );
						}
					} );
				} );
			} );
		} );
	}
	$( initLookups );

	// Conditional rules: add / remove rows; editing the JSON view makes it the one that is saved.
	$( document ).on( 'click', '.nssync-rule-add', function () {
		var $td = $( this ).closest( '.nssync-rules' ), $tbody = $td.find( '.nssync-rules-table tbody' ),
			i = Date.now(), $row = $( '<tr class="nssync-rule">' ).html( $td.find( '.nssync-rule-template' ).html().replace( /__i__/g, i ) );
		$row.find( ':input' ).prop( 'disabled', false );
		$tbody.append( $row );
		$td.find( 'input[name="nssync_rules_mode"]' ).val( 'rows' );
		$row.find( 'input' ).first().trigger( 'focus' );
	} );
	$( document ).on( 'click', '.nssync-rule-remove', function () {
		var $td = $( this ).closest( '.nssync-rules' );
		$( this ).closest( 'tr' ).remove();
		$td.find( 'input[name="nssync_rules_mode"]' ).val( 'rows' );
	} );
	$( document ).on( 'input change', '.nssync-rules-table :input', function () {
		$( this ).closest( '.nssync-rules' ).find( 'input[name="nssync_rules_mode"]' ).val( 'rows' );
	} );
	$( document ).on( 'input', '.nssync-rules-json textarea', function () {
		$( this ).closest( '.nssync-rules' ).find( 'input[name="nssync_rules_mode"]' ).val( 'json' );
	} );

	// Sync now: start a run, poll it until it finishes, show the counts.
	function runText( run ) {
		var c = run.counts || run, parts = [];
		$.each( [ 'seen', 'changed', 'unchanged', 'unmatched', 'failed' ], function ( i, k ) {
			if ( c[ k ] !== undefined ) { parts.push( ( t.counts[ k ] || k ) + ' ' + c[ k ] ); }
		} );
		$.each( [ 'held_back', 'drift' ], function ( i, k ) { // Said only when the run did it.
			if ( c[ k ] ) { parts.push( ( t.counts[ k ] || k ) + ' ' + c[ k ] ); }
		} );
		return ( ( t.runStatus && t.runStatus[ run.status ] ) || run.status || '' ) + ( parts.length ? ' · ' + parts.join( ', ' ) : '' );
	}

	function finished( run ) {
		return !! run.finished_at || [ 'done', 'finished', 'succeeded', 'success', 'failed', 'error', 'completed', 'skipped' ].indexOf( run.status ) !== -1;
	}

	function poll( runId, $row, $btn, tries ) {
		call( 'nssync_run_status', { run_id: runId } ).done( function ( res ) {
			var $p = $row.find( '.nssync-progress' );
			if ( ! res.success ) {
				show( $p, res.data.message, 'nssync-bad' );
				$btn.prop( 'disabled', false );
				return;
			}
			if ( finished( res.data ) || tries > 300 ) {
				show( $p, t.done, res.data.status === 'failed' ? 'nssync-bad' : 'nssync-ok' );
				$row.find( '.nssync-run-result' ).text( runText( res.data ) );
				$row.find( '.nssync-run-when' ).text( t.justNow );
				$row.find( '.nssync-run-errors' ).remove();
				if ( res.data.errors && res.data.errors.length ) {
					var $ul = $( '<ul class="nssync-run-errors">' );
					$.each( res.data.errors.slice( 0, 3 ), function ( i, e ) {
						$ul.append( $( '<li>' ).text( typeof e === 'string' ? e : ( ( e.sku || e.ref || e.id || '' ) + ( e.message ? ': ' + e.message : '' ) ) ) );
					} );
					$row.find( '.nssync-run-when' ).after( $ul );
				}
				$btn.prop( 'disabled', false );
				return;
			}
			show( $p, t.running + ' ' + runText( res.data ) );
			setTimeout( function () { poll( runId, $row, $btn, tries + 1 ); }, 2000 );
		} ).fail( function ( xhr ) {
			show( $row.find( '.nssync-progress' ), errorText( xhr ), 'nssync-bad' );
			$btn.prop( 'disabled', false );
		} );
	}

	$( document ).on( 'click', '.nssync-sync-now', function () {
		var $btn = $( this ).prop( 'disabled', true ), $row = $btn.closest( 'tr' ), $p = $row.find( '.nssync-progress' );
		show( $p, t.starting );
		call( 'nssync_sync_now', { flow: $btn.data( 'flow' ) } ).done( function ( res ) {
			if ( ! res.success ) {
				show( $p, res.data.message, 'nssync-bad' );
				$btn.prop( 'disabled', false );
				return;
			}
			poll( res.data.run_id, $row, $btn, 0 );
		} ).fail( function ( xhr ) {
			show( $p, errorText( xhr ), 'nssync-bad' );
			$btn.prop( 'disabled', false );
		} );
	} );

	// Error queue: Retry / Skip one row (Skip asks first), Retry selected, Retry all failed. The order box's
	// Retry (its failed jobs) is the same button in a <p class="nssync-job-actions">.
	$( document ).on( 'click', '.nssync-job', function () {
		var $btn = $( this ), $cell = $btn.closest( 'td, .nssync-job-actions' ), $r = $cell.find( '.nssync-result' );
		if ( $btn.data( 'confirm' ) && ! window.confirm( $btn.data( 'confirm' ) ) ) {
			return;
		}
		$cell.find( 'button' ).prop( 'disabled', true );
		call( 'nssync_job_action', { job_ids: String( $btn.data( 'job-ids' ) ), verb: $btn.data( 'verb' ) } ).done( function ( res ) {
			if ( res.success ) {
				show( $r, res.data.message || t.done, 'nssync-ok' ); // Not the job's raw status (pending, skipped).
				$btn.closest( 'tr' ).addClass( 'nssync-done' );
			} else {
				show( $r, res.data.message, 'nssync-bad' );
				$cell.find( 'button' ).prop( 'disabled', false );
			}
		} ).fail( function ( xhr ) {
			show( $r, errorText( xhr ), 'nssync-bad' );
			$cell.find( 'button' ).prop( 'disabled', false );
		} );
	} );

	$( document ).on( 'change', '.nssync-check-all', function () {
		$( this ).closest( 'table' ).find( '.nssync-check' ).prop( 'checked', this.checked );
	} );

	function bulkRetry( data, $btn ) {
		var $r = $btn.siblings( '.nssync-result' );
		$btn.prop( 'disabled', true );
		call( 'nssync_jobs_retry', data ).done( function ( res ) {
			show( $r, res.success ? t.retried.replace( '%d', res.data.retried ) : res.data.message, res.success ? 'nssync-ok' : 'nssync-bad' );
		} ).fail( function ( xhr ) {
			show( $r, errorText( xhr ), 'nssync-bad' );
		} ).always( function () {
			$btn.prop( 'disabled', false );
		} );
	}

	$( document ).on( 'click', '#nssync-retry-selected', function () {
		var ids = $( '.nssync-check:checked' ).map( function () { return this.value; } ).get().join( ',' );
		bulkRetry( { job_ids: ids }, $( this ) );
	} );

	$( document ).on( 'click', '#nssync-retry-all', function () {
		if ( window.confirm( $( this ).data( 'confirm' ) ) ) {
			bulkRetry( { all: 'yes' }, $( this ) );
		}
	} );

	// Order box: the sidecar's state is fetched after the page has loaded, so the order screen never waits.
	$( function () {
		$( '.nssync-order-box[data-order-id]' ).each( function () {
			var $state = $( this ).find( '.nssync-order-state' );
			call( 'nssync_order_state', { order_id: $( this ).data( 'order-id' ) } ).done( function ( res ) {
				if ( res.success ) {
					$state.html( res.data.html ); // Escaped by the server (NSSync_Order_Box_View).
				} else {
					$state.find( '.nssync-loading' ).text( res.data.message );
				}
			} ).fail( function ( xhr ) {
				$state.find( '.nssync-loading' ).text( errorText( xhr ) );
			} );
		} );
	} );

	// Order box: Send to NetSuite again.
	$( document ).on( 'click', '.nssync-resend', function () {
		var $btn = $( this ).prop( 'disabled', true ), $r = $btn.siblings( '.nssync-result' );
		call( 'nssync_resend_order', { order_id: $btn.data( 'order-id' ) } ).done( function ( res ) {
			show( $r, res.success ? t.queued : res.data.message, res.success ? 'nssync-ok' : 'nssync-bad' );
		} ).fail( function ( xhr ) {
			show( $r, errorText( xhr ), 'nssync-bad' );
		} ).always( function () {
			$btn.prop( 'disabled', false );
		} );
	} );

	// Status: send the waiting events now.
	$( document ).on( 'click', '#nssync-send-pending', function () {
		var $btn = $( this ).prop( 'disabled', true ), $r = $btn.siblings( '.nssync-result' );
		call( 'nssync_send_pending' ).done( function ( res ) {
			show( $r, res.success ? t.queued : res.data.message, res.success ? 'nssync-ok' : 'nssync-bad' );
		} ).fail( function ( xhr ) {
			show( $r, errorText( xhr ), 'nssync-bad' );
		} ).always( function () {
			$btn.prop( 'disabled', false );
		} );
	} );
}( jQuery, window.nssyncAdmin ) );

/* Dry runs and reconciliation (issue 16): Preview NetSuite sales order, Try these settings, Reconciliation. */
( function ( $, cfg ) {
	'use strict';
	if ( ! cfg ) {
		return;
	}
	var t = cfg.i18n;

	function call( action, data ) {
		return $.post( cfg.ajaxUrl, $.extend( { action: action, nonce: cfg.nonces[ action ] }, data || {} ) );
	}

	function errorText( xhr ) {
		var body = xhr && xhr.responseJSON;
		return body && body.data && body.data.message ? body.data.message : t.error + ' HTTP ' + ( xhr ? xhr.status : '?' );
	}

	function show( $el, text, cls ) {
		$el.text( text ).removeClass( 'nssync-ok nssync-bad' ).addClass( cls || '' );
	}

	// Order box: Preview NetSuite sales order (HTML escaped by the server, NSSync_Preview_View).
	$( document ).on( 'click', '.nssync-preview-order', function () {
		var $btn = $( this ).prop( 'disabled', true ), $r = $btn.siblings( '.nssync-result' ),
			$out = $btn.closest( '.nssync-order-box' ).find( '.nssync-preview' ).empty();
		show( $r, t.preview );
		call( 'nssync_preview_order', { order_id: $btn.data( 'order-id' ) } ).done( function ( res ) {
			if ( res.success ) {
				show( $r, '' );
				$out.html( res.data.html );
			} else {
				show( $r, res.data.message, 'nssync-bad' );
			}
		} ).fail( function ( xhr ) {
			show( $r, errorText( xhr ), 'nssync-bad' );
		} ).always( function () {
			$btn.prop( 'disabled', false );
		} );
	} );

	// Mappings: Try these settings on the last N orders — the form as it is, not saved.
	$( document ).on( 'input change', '#nssync-try-limit', function () {
		var $btn = $( '#nssync-try-settings' ), n = parseInt( this.value, 10 ) || 10;
		$btn.text( String( $btn.data( 'label' ) ).replace( '%d', n ) );
	} );

	function markField( id, message ) {
		var $input = $( '[name="' + id + '"], [name^="' + id + '["]' ).first(), $row = $input.parents( 'tr' ).last(),
			$td = $row.children( 'td' ).first();
		if ( ! $td.length ) {
			return false;
		}
		$td.prepend( $( '<span class="nssync-field-error nssync-try-error" role="alert">' ).text( message ) );
		$row.addClass( 'nssync-try-marked' );
		return true;
	}

	$( document ).on( 'click', '#nssync-try-settings', function () {
		var $btn = $( this ).prop( 'disabled', true ), $r = $btn.siblings( '.nssync-result' ), $out = $( '#nssync-try-results' ).empty(),
			data = $btn.closest( 'form' ).serializeArray().filter( function ( f ) {
				return [ 'action', 'nonce', '_wpnonce', '_wp_http_referer', 'save' ].indexOf( f.name ) === -1;
			} );
		$( '.nssync-try-error' ).remove();
		$( '.nssync-try-marked' ).removeClass( 'nssync-try-marked' );
		data.push( { name: 'action', value: 'nssync_preview_settings' }, { name: 'nonce', value: cfg.nonces.nssync_preview_settings },
			{ name: 'limit', value: $( '#nssync-try-limit' ).val() } );
		show( $r, t.trying );
		$.post( cfg.ajaxUrl, $.param( data ) ).done( function ( res ) {
			if ( res.success ) {
				show( $r, '' );
				$out.html( res.data.html );
				return;
			}
			show( $r, res.data.message, 'nssync-bad' );
			$.each( res.data.field_errors || {}, function ( id, message ) { markField( id, message ); } );
		} ).fail( function ( xhr ) {
			show( $r, errorText( xhr ), 'nssync-bad' );
		} ).always( function () {
			$btn.prop( 'disabled', false );
		} );
	} );

	// Reconciliation: start a report, follow it until it is done, apply a fix.
	function follow( reportId, tries ) {
		var $box = $( '#nssync-reconcile-report' );
		call( 'nssync_reconcile_report', { report_id: reportId } ).done( function ( res ) {
			if ( ! res.success ) {
				$box.find( '.nssync-report-progress' ).addClass( 'nssync-bad' ).text( res.data.message );
				return;
			}
			if ( res.data.finished ) {
				$box.html( res.data.html ).attr( 'data-status', res.data.status );
				return;
			}
			$box.find( '.nssync-report-progress' ).contents().last().replaceWith( document.createTextNode( res.data.progress ) );
			if ( tries > 300 ) {
				$box.find( '.nssync-report-progress' ).text( t.slow );
				return;
			}
			setTimeout( function () { follow( reportId, tries + 1 ); }, 2000 );
		} ).fail( function ( xhr ) {
			$box.find( '.nssync-report-progress' ).addClass( 'nssync-bad' ).text( errorText( xhr ) );
		} );
	}

	$( function () {
		var $box = $( '#nssync-reconcile-report' );
		if ( $box.data( 'report-id' ) && [ 'pending', 'running' ].indexOf( String( $box.data( 'status' ) ) ) !== -1 ) {
			follow( $box.data( 'report-id' ), 0 );
		}
	} );

	$( document ).on( 'click', '#nssync-reconcile-start', function () {
		var $btn = $( this ).prop( 'disabled', true ), $r = $btn.siblings( '.nssync-result' );
		show( $r, t.starting );
		call( 'nssync_reconcile_start', { from: $( '#nssync-reconcile-from' ).val(), to: $( '#nssync-reconcile-to' ).val() } ).done( function ( res ) {
			if ( ! res.success ) {
				show( $r, res.data.message, 'nssync-bad' );
				return;
			}
			show( $r, '' );
			$( '#nssync-reconcile-report' ).html( res.data.html ).attr( 'data-report-id', res.data.report_id );
			follow( res.data.report_id, 0 );
		} ).fail( function ( xhr ) {
			show( $r, errorText( xhr ), 'nssync-bad' );
		} ).always( function () {
			$btn.prop( 'disabled', false );
		} );
	} );

	$( document ).on( 'click', '.nssync-reconcile-fix', function () {
		var $btn = $( this ).prop( 'disabled', true ), $r = $btn.siblings( '.nssync-result' );
		show( $r, t.fixing );
		call( 'nssync_reconcile_fix', { report_id: $btn.data( 'report-id' ), findings: String( $btn.data( 'findings' ) ) } ).done( function ( res ) {
			if ( ! res.success ) {
				show( $r, res.data.message, 'nssync-bad' );
				$btn.prop( 'disabled', false );
				return;
			}
			show( $r, res.data.message, res.data.refused.length ? 'nssync-bad' : 'nssync-ok' );
			$.each( res.data.fixed, function ( i, index ) {
				$( '.nssync-findings tr[data-index="' + index + '"]' ).addClass( 'nssync-done' ).find( '.nssync-reconcile-fix' ).prop( 'disabled', true );
			} );
			// A finding fixed one way is not offered again by "Re-queue all".
			$( '.nssync-reconcile-fix' ).not( '.nssync-findings .nssync-reconcile-fix' ).each( function () {
				var left = String( $( this ).data( 'findings' ) ).split( ',' ).filter( function ( i ) { return res.data.fixed.indexOf( parseInt( i, 10 ) ) === -1; } );
				$( this ).data( 'findings', left.join( ',' ) ).prop( 'disabled', ! left.length );
			} );
			if ( ! res.data.fixed.length ) {
				$btn.prop( 'disabled', false );
			}
		} ).fail( function ( xhr ) {
			show( $r, errorText( xhr ), 'nssync-bad' );
			$btn.prop( 'disabled', false );
		} );
	} );
}( jQuery, window.nssyncAdmin ) );
